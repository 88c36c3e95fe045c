package org.stevedore.auth.policy;

/**
 * Where a replica is to be registered, for {@link PermissionPolicy#requireRegistration}: registering a replica says
 * that a file exists at a physical path, and the reaper may one day delete that path, so the decision is about the
 * path as much as about the file's scope.
 *
 * @param scope            the file's scope
 * @param name             the file's name
 * @param rse              the RSE
 * @param userRegistration whether an admin opened the RSE for registration by its users (RSE attribute
 *                         {@code user_registration})
 * @param path             the path on the RSE, relative to the protocol prefix
 * @param pathScope        the scope that owns that part of the RSE's tree: the innermost existing scope whose lfn2pfn
 *                         directory holds the path; null when none does
 */
public record ReplicaPlacement(String scope, String name, String rse, boolean userRegistration, String path,
                               String pathScope) {

    @Override
    public String toString() {
        return "RSE '" + rse + "', path '" + path + "' (file " + scope + ":" + name + ")";
    }
}
