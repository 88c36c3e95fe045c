package org.stevedore.catalog.rse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Temporary: replaced by the RSE package's implementation at merge. */
public final class Lfn2Pfn {
    private Lfn2Pfn() {
    }

    public static String path(String algorithm, String scope, String name) {
        String scopePath = scope.startsWith("user.") || scope.startsWith("group.") ? scope.replaceFirst("\\.", "/") : scope;
        if ("identity".equals(algorithm)) {
            return scopePath + "/" + name;
        }
        try {
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest((scope + ":" + name).getBytes(StandardCharsets.UTF_8)));
            return scopePath + "/" + md5.substring(0, 2) + "/" + md5.substring(2, 4) + "/" + name;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
