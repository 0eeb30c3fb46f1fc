package io.strata.export;

/**
 * The file names of a live export: {@code image_<IMG_DATE>-<IMG_NAME><suffix>} with .iso (PC only),
 * .squashfs, .vmlinuz and .initrd.img, one .live.sha256 for them all, a .live.info and the SBOM .spdx.json.
 */
record LiveNames(String baseName) {

    static final String DEFAULT_SUFFIX = "-live";

    static LiveNames of(String imgDate, String imgName, String suffix) {
        return new LiveNames("image_" + imgDate + "-" + imgName + (suffix.isEmpty() ? DEFAULT_SUFFIX : suffix));
    }

    String iso() {
        return baseName + ".iso";
    }

    String squashfs() {
        return baseName + ".squashfs";
    }

    String kernel() {
        return baseName + ".vmlinuz";
    }

    String initrd() {
        return baseName + ".initrd.img";
    }

    String checksums() {
        return baseName + ".live.sha256";
    }

    String info() {
        return baseName + ".live.info";
    }

    String sbom() {
        return baseName + ".spdx.json";
    }
}
