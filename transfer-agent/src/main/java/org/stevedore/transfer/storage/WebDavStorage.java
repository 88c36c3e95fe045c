package org.stevedore.transfer.storage;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.grid.X509HttpClients;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * WebDAV and plain HTTP(S) storages ({@code davs}, {@code dav}, {@code https}, {@code http} PFNs) over Apache
 * HttpClient 5, with an optional X509 client certificate. One instance holds one connection pool; close it at the end.
 */
public final class WebDavStorage implements StorageProtocol, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebDavStorage.class);
    private static final String PROPFIND_BODY = """
            <?xml version="1.0" encoding="utf-8"?>
            <D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getcontentlength/></D:prop></D:propfind>
            """;
    private static final int MAX_PROPFIND_BYTES = 1 << 20;

    private final CloseableHttpClient client;

    public WebDavStorage(WebDavSettings settings) {
        this.client = X509HttpClients.create(settings.credentials(), settings.trust(), settings.connectTimeout(),
                settings.socketTimeout(), settings.maxConnections());
    }

    @Override
    public Optional<StorageStat> stat(String pfn) {
        URI uri = uri(pfn);
        HttpUriRequestBase head = new HttpUriRequestBase("HEAD", uri);
        // RFC 3230: storages that keep checksums (dCache, StoRM, EOS, xrootd-http) answer with "Digest: adler32=<hex>".
        head.addHeader("Want-Digest", "adler32");
        Reply reply = execute("stat", pfn, head);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (!reply.isSuccess()) {
            throw StorageException.forStatus("stat", pfn, reply.status(), reply.reason());
        }
        String adler32 = adler32(reply.header("Digest"));
        String length = reply.header("Content-Length");
        if (length != null) {
            return Optional.of(new StorageStat(parseSize(pfn, length), adler32));
        }
        // No length on HEAD (chunked answers): the WebDAV property has it.
        Reply properties = propfind(pfn, uri);
        if (properties.status() == 404) {
            return Optional.empty();
        }
        if (properties.status() != 207) {
            throw StorageException.forStatus("stat", pfn, properties.status(), "HEAD gave no Content-Length and PROPFIND failed");
        }
        Element response = firstResponse(pfn, properties.body());
        if (isCollection(response)) {
            throw new FatalStorageException("stat " + pfn + ": is a collection, not a file", pfn);
        }
        NodeList lengths = response.getElementsByTagNameNS("DAV:", "getcontentlength");
        if (lengths.getLength() == 0 || lengths.item(0).getTextContent().isBlank()) {
            throw new FatalStorageException("stat " + pfn + ": the storage reports no size", pfn);
        }
        return Optional.of(new StorageStat(parseSize(pfn, lengths.item(0).getTextContent().trim()), adler32));
    }

    /** PROPFIND (Depth 0) sees collections as well as files; storages that are plain HTTPS get a HEAD instead. */
    @Override
    public boolean exists(String pfn) {
        URI uri = uri(pfn);
        Reply reply = propfind(pfn, uri);
        if (reply.status() == 207 || reply.isSuccess()) {
            return true;
        }
        if (reply.status() == 404) {
            return false;
        }
        if (reply.status() == 405 || reply.status() == 501) {
            Reply head = execute("exists", pfn, new HttpUriRequestBase("HEAD", uri));
            if (head.isSuccess()) {
                return true;
            }
            if (head.status() == 404) {
                return false;
            }
            throw StorageException.forStatus("exists", pfn, head.status(), head.reason());
        }
        throw StorageException.forStatus("exists", pfn, reply.status(), reply.reason());
    }

    @Override
    public Deletion delete(String pfn) {
        Reply reply = execute("delete", pfn, new HttpUriRequestBase("DELETE", uri(pfn)));
        if (reply.isSuccess()) {
            log.info("Deleted {}", pfn);
            return Deletion.DELETED;
        }
        if (reply.status() == 404) {
            log.info("Delete of {}: not found on storage, counted as deleted", pfn);
            return Deletion.ALREADY_ABSENT;
        }
        throw StorageException.forStatus("delete", pfn, reply.status(), reply.reason());
    }

    /**
     * MKCOL on the directory itself first: in the common case its parent exists and one request suffices. A 409
     * (RFC 4918: a parent is missing) creates the parents, then tries once more.
     */
    @Override
    public void mkdirs(String directoryPfn) {
        mkcol(directoryPfn, collectionUri(uri(directoryPfn)));
    }

    private void mkcol(String pfn, URI collection) {
        int status = mkcolOnce(pfn, collection);
        if (status == 409) {
            URI parent = parentOf(collection);
            if (parent == null) {
                throw StorageException.forStatus("mkdirs", pfn, status, "the root collection is missing");
            }
            mkcol(pfn, parent);
            status = mkcolOnce(pfn, collection);
        }
        // 405: RFC 4918 says MKCOL is only allowed on an unmapped URL, i.e. the collection is already there.
        if (status != 201 && status != 405 && !(status >= 200 && status < 300)) {
            throw StorageException.forStatus("mkdirs", pfn, status, "MKCOL " + collection.getRawPath());
        }
    }

    private int mkcolOnce(String pfn, URI collection) {
        return execute("mkdirs", pfn, new HttpUriRequestBase("MKCOL", collection)).status();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    private Reply propfind(String pfn, URI uri) {
        HttpUriRequestBase propfind = new HttpUriRequestBase("PROPFIND", uri);
        propfind.addHeader("Depth", "0");
        propfind.setEntity(new StringEntity(PROPFIND_BODY, ContentType.create("application/xml", "UTF-8")));
        return execute("propfind", pfn, propfind);
    }

    private Reply execute(String operation, String pfn, HttpUriRequestBase request) {
        try {
            return client.execute(request, response -> {
                String body = response.getEntity() == null || response.getCode() != 207 ? null
                        : EntityUtils.toString(response.getEntity(), MAX_PROPFIND_BYTES);
                return new Reply(response.getCode(), response.getReasonPhrase(), response.getHeaders(), body);
            });
        } catch (SSLHandshakeException e) {
            // Untrusted host certificate or rejected client certificate: configuration, not chance.
            throw new FatalStorageException(operation + " " + pfn + " failed: TLS handshake: " + e.getMessage(), pfn, 0, e);
        } catch (IOException e) {
            throw new TransientStorageException(operation + " " + pfn + " failed: " + e, pfn, 0, e);
        }
    }

    /** The {@code adler32} value of an RFC 3230 {@code Digest} header ({@code adler32=03da0195, md5=...}), or null. */
    static String adler32(String digestHeader) {
        if (digestHeader == null) {
            return null;
        }
        for (String instance : digestHeader.split(",")) {
            int equals = instance.indexOf('=');
            if (equals > 0 && instance.substring(0, equals).trim().equalsIgnoreCase("adler32")) {
                try {
                    return Adler32Checksum.normalize(instance.substring(equals + 1));
                } catch (IllegalArgumentException e) {
                    log.warn("Ignoring malformed adler32 in Digest header '{}'", digestHeader);
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * PFNs are built unencoded by {@code Lfn2Pfn}; the multi-argument URI constructor percent-encodes what a path may
     * not contain, so a name with a space or '%' reaches the right resource.
     */
    public static URI uri(String pfn) {
        int separator = pfn == null ? -1 : pfn.indexOf("://");
        if (separator <= 0) {
            throw new FatalStorageException("Not a WebDAV/HTTP PFN: '" + pfn + "'", pfn);
        }
        String httpScheme = switch (pfn.substring(0, separator).toLowerCase(Locale.ROOT)) {
            case "davs", "https" -> "https";
            case "dav", "http" -> "http";
            default -> throw new FatalStorageException("Not a WebDAV/HTTP PFN: '" + pfn + "'", pfn);
        };
        String rest = pfn.substring(separator + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        if (authority.isEmpty()) {
            throw new FatalStorageException("WebDAV/HTTP PFN without a host: '" + pfn + "'", pfn);
        }
        try {
            return new URI(httpScheme, authority, path, null, null);
        } catch (URISyntaxException e) {
            throw new FatalStorageException("Malformed PFN '" + pfn + "': " + e.getMessage(), pfn, 0, e);
        }
    }

    private static URI collectionUri(URI uri) {
        String path = uri.getRawPath();
        return path.endsWith("/") ? uri : uri.resolve(path + "/");
    }

    /** The parent collection ({@code /a/b/} → {@code /a/}), or null at the root. */
    private static URI parentOf(URI collection) {
        String path = collection.getRawPath();
        String trimmed = path.substring(0, path.length() - 1);
        int slash = trimmed.lastIndexOf('/');
        if (slash < 0 || trimmed.isEmpty()) {
            return null;
        }
        return collection.resolve(trimmed.substring(0, slash + 1));
    }

    private static long parseSize(String pfn, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new FatalStorageException("stat " + pfn + ": size '" + value + "' is not a number", pfn, 0, e);
        }
    }

    private static Element firstResponse(String pfn, String body) {
        if (body == null) {
            throw new TransientStorageException("stat " + pfn + ": empty PROPFIND answer", pfn, 207, null);
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // The answer comes from a remote server: no DTDs, no external entities.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            Document document = factory.newDocumentBuilder().parse(new InputSource(new StringReader(body)));
            NodeList responses = document.getElementsByTagNameNS("DAV:", "response");
            if (responses.getLength() == 0) {
                throw new FatalStorageException("stat " + pfn + ": PROPFIND answer without a response element", pfn, 207, null);
            }
            return (Element) responses.item(0);
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new FatalStorageException("stat " + pfn + ": unreadable PROPFIND answer: " + e.getMessage(), pfn, 207, e);
        }
    }

    private static boolean isCollection(Element response) {
        return response.getElementsByTagNameNS("DAV:", "collection").getLength() > 0;
    }

    private record Reply(int status, String reason, Header[] headers, String body) {
        boolean isSuccess() {
            return status >= 200 && status < 300;
        }

        String header(String name) {
            for (Header header : headers) {
                if (header.getName().equalsIgnoreCase(name)) {
                    return header.getValue();
                }
            }
            return null;
        }
    }
}
