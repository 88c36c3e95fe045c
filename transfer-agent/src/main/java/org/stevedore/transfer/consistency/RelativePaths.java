package org.stevedore.transfer.consistency;

/**
 * The paths a listing may report: relative to the RSE's prefix, without empty, {@code .} or {@code ..} segments or
 * control characters. Anything else (a dump's stray line, a hostile name) is refused rather than compared, and never
 * reaches a deletion: dark files are deleted only at prefix + such a path.
 */
final class RelativePaths {

    private RelativePaths() {
    }

    static boolean safe(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i))) {
                return false;
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
