package io.strata.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How an exported image is packed in the deploy directory (DEPLOY_COMPRESSION, or DEPLOY_ZIP). */
public enum Compression {
    NONE(""), ZIP(".zip"), GZ(".gz"), XZ(".xz"), ZSTD(".zst");

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    /** What the deploy file name ends with beyond ".img" (zip: image.zip holds image.img). */
    public String extension() {
        return extension;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Compression> fromConfigName(String value) {
        return Arrays.stream(values()).filter(c -> c.configName().equals(value)).findFirst();
    }
}
