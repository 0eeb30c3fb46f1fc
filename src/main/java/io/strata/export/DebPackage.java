package io.strata.export;

/**
 * One installed package as dpkg's status file records it, with the license its machine-readable
 * copyright file declares (a Debian short name, or empty when the file is not machine-readable).
 */
record DebPackage(String name, String version, String architecture, String source, String sourceVersion,
        String maintainer, String homepage, String debianLicense) {

    /** "name version", as the .info file lists packages. */
    String infoLine() {
        return name + " " + version;
    }
}
