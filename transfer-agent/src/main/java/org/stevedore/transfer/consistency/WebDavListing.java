package org.stevedore.transfer.consistency;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * A walk of a WebDAV storage's prefix by {@code PROPFIND} with {@code Depth: 1}, one collection at a time (RFC 4918
 * multistatus, read as a stream), depth first in the catalog's path order (as {@link PosixListing}). A collection the
 * storage does not answer with 207 fails the listing (an IOException from the cursor): a check must stop rather than
 * take a partial listing for the truth, and so must a truncated or malformed answer. Within a 207, a response whose
 * own status is not 2xx (a member gone meanwhile) is passed over; a member without a {@code resourcetype} in a 200
 * propstat (a 404 propstat for it) is a file, as RFC 4918 makes a non-collection's resourcetype empty. Members whose
 * href is not directly under the collection asked about are refused (counted), never listed.
 */
public final class WebDavListing implements StorageListing {

    private static final String PROPFIND_BODY = """
            <?xml version="1.0" encoding="utf-8"?>
            <D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>
            """;

    private final CloseableHttpClient client;
    private final URI prefix;
    private final Instant listedAt;

    /** @param prefix the collection of the RSE's prefix, {@code https://host:port/prefix/} */
    public WebDavListing(CloseableHttpClient client, URI prefix, Instant listedAt) {
        this.client = client;
        String path = prefix.getRawPath();
        this.prefix = path.endsWith("/") ? prefix : prefix.resolve(path + "/");
        this.listedAt = listedAt;
    }

    @Override
    public String source() {
        return "webdav";
    }

    @Override
    public Instant listedAt() {
        return listedAt;
    }

    @Override
    public Paths open() throws IOException {
        return new TreeWalk(this::members);
    }

    /** The members of collection {@code dir} (relative, '' or ending in '/'), in walk order. */
    private List<TreeWalk.Node> members(String dir, Runnable refuse) throws IOException {
        // "./": a first segment with a colon is a path, not a scheme.
        URI collection = dir.isEmpty() ? prefix : prefix.resolve("./" + encode(dir));
        HttpUriRequestBase propfind = new HttpUriRequestBase("PROPFIND", collection);
        propfind.addHeader("Depth", "1");
        propfind.setEntity(new StringEntity(PROPFIND_BODY, ContentType.create("application/xml", "UTF-8")));
        List<TreeWalk.Node> out = client.execute(propfind, response -> {
            if (response.getCode() != 207 || response.getEntity() == null) {
                throw new IOException("PROPFIND " + collection + ": HTTP " + response.getCode() + " "
                        + response.getReasonPhrase());
            }
            try (InputStream body = response.getEntity().getContent()) {
                return parse(body, collection, dir, refuse);
            }
        });
        out.sort(Comparator.comparing(TreeWalk.Node::key));
        return out;
    }

    /** Percent-encodes a relative path for a request line: reserved characters, and non-ASCII ones as UTF-8. */
    private static String encode(String relative) {
        try {
            return new URI(null, null, relative, null).toASCIIString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private List<TreeWalk.Node> parse(InputStream body, URI collection, String dir, Runnable refuse) throws IOException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        // The answer comes from a remote server: no DTDs, no external entities.
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        List<TreeWalk.Node> out = new ArrayList<>();
        String base = prefix.getPath() + dir;
        try {
            XMLStreamReader xml = factory.createXMLStreamReader(body);
            String href = null;
            String responseStatus = null;
            String propstatStatus = null;
            boolean inPropstat = false;
            boolean collectionSeen = false;
            boolean collectionOk = false;
            boolean sawMultistatus = false;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT && "DAV:".equals(xml.getNamespaceURI())) {
                    switch (xml.getLocalName()) {
                        case "multistatus" -> sawMultistatus = true;
                        case "response" -> {
                            href = null;
                            responseStatus = null;
                            collectionOk = false;
                        }
                        case "href" -> href = xml.getElementText().strip();
                        case "propstat" -> {
                            inPropstat = true;
                            propstatStatus = null;
                            collectionSeen = false;
                        }
                        case "status" -> {
                            String status = xml.getElementText().strip();
                            if (inPropstat) {
                                propstatStatus = status;
                            } else {
                                responseStatus = status;
                            }
                        }
                        case "collection" -> collectionSeen = true;
                        default -> { }
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT && "DAV:".equals(xml.getNamespaceURI())) {
                    if (xml.getLocalName().equals("propstat")) {
                        inPropstat = false;
                        if (collectionSeen && isOk(propstatStatus)) {
                            collectionOk = true;
                        }
                    } else if (xml.getLocalName().equals("response")) {
                        if (href != null && (responseStatus == null || isOk(responseStatus))) {
                            TreeWalk.Node m = member(collection, base, dir, href, collectionOk);
                            if (m == null) {
                                if (!collection.resolve(href).getPath().replaceAll("/$", "")
                                        .equals(base.replaceAll("/$", ""))) {
                                    refuse.run();
                                } else if (!collectionOk) {
                                    // The resource asked about answered for itself, as a file: nothing to walk.
                                    throw new IOException("PROPFIND " + collection + ": not a collection");
                                }
                            } else {
                                out.add(m);
                            }
                        }
                    }
                }
            }
            if (!sawMultistatus) {
                throw new IOException("PROPFIND " + collection + ": the 207 answer is no DAV:multistatus");
            }
        } catch (XMLStreamException | IllegalArgumentException e) {
            throw new IOException("PROPFIND " + collection + ": unreadable multistatus: " + e.getMessage(), e);
        }
        return out;
    }

    private static boolean isOk(String status) {
        return status != null && status.matches("HTTP/\\S+ 2\\d\\d.*");
    }

    /** The member an href names directly under {@code base}, or null (the collection itself, or elsewhere). */
    private static TreeWalk.Node member(URI collection, String base, String dir, String href, boolean isCollection) {
        String path = collection.resolve(href).getPath();
        if (!path.startsWith(base)) {
            return null;
        }
        String name = path.substring(base.length());
        if (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.contains("/") || !RelativePaths.safe(dir + name)) {
            return null;
        }
        return new TreeWalk.Node(isCollection ? name + "/" : name, dir + name, isCollection);
    }
}
