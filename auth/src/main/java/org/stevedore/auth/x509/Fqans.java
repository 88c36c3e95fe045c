package org.stevedore.auth.x509;

/** FQAN spelling: VOMS writes {@code /vo/group/Role=NULL/Capability=NULL}; people write {@code /vo/group}. */
public final class Fqans {

    private Fqans() {
    }

    public static String normalize(String fqan) {
        if (fqan == null) {
            return "";
        }
        String f = fqan.trim().replace("/Capability=NULL", "").replace("/Role=NULL", "");
        return f.length() > 1 && f.endsWith("/") ? f.substring(0, f.length() - 1) : f;
    }
}
