package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.strata.config.Compression;

class DeployNamesTest {

    @Test
    void namesFollowPiGen() {
        DeployNames zip = DeployNames.of("2026-11-22", "myos", "-lite", Compression.ZIP);

        assertThat(zip.image()).isEqualTo("image_2026-11-22-myos-lite.img");
        assertThat(zip.deployFile()).isEqualTo("image_2026-11-22-myos-lite.zip");
        assertThat(zip.checksum()).isEqualTo("image_2026-11-22-myos-lite.zip.sha256");
        assertThat(zip.info()).isEqualTo("image_2026-11-22-myos-lite.info");
    }

    @Test
    void eachCompressionHasItsOwnDeployFile() {
        assertThat(DeployNames.of("d", "n", "", Compression.NONE).deployFile()).isEqualTo("image_d-n.img");
        assertThat(DeployNames.of("d", "n", "", Compression.GZ).deployFile()).isEqualTo("image_d-n.img.gz");
        assertThat(DeployNames.of("d", "n", "", Compression.XZ).deployFile()).isEqualTo("image_d-n.img.xz");
        assertThat(DeployNames.of("d", "n", "", Compression.ZSTD).deployFile()).isEqualTo("image_d-n.img.zst");
    }
}
