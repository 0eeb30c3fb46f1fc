package io.strata.export;

import io.strata.config.Compression;

/**
 * The file names of an export, as pi-gen names them: {@code image_<IMG_DATE>-<IMG_NAME><suffix>.img},
 * packed as {@code .zip} (holding the .img), {@code .img.gz} or {@code .img.xz}, with the deploy
 * file's {@code .sha256} beside it, the build's {@code .info}, the raw image's block map {@code .bmap}
 * and its SBOM {@code .spdx.json}.
 */
public record DeployNames(String baseName, Compression compression) {

    public static DeployNames of(String imgDate, String imgName, String suffix, Compression compression) {
        return new DeployNames("image_" + imgDate + "-" + imgName + suffix, compression);
    }

    public String image() {
        return baseName + ".img";
    }

    public String deployFile() {
        return switch (compression) {
            case NONE -> image();
            case ZIP -> baseName + ".zip";
            case GZ, XZ, ZSTD -> image() + compression.extension();
        };
    }

    public String checksum() {
        return deployFile() + ".sha256";
    }

    public String info() {
        return baseName + ".info";
    }

    /** The package lock: each installed package's version, architecture, .deb SHA-256 and archive. */
    public String lock() {
        return baseName + ".lock";
    }

    public String bmap() {
        return baseName + ".bmap";
    }

    public String sbom() {
        return baseName + ".spdx.json";
    }
}
