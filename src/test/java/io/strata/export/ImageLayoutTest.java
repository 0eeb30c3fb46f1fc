package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageLayoutTest {

    private static final long MIB = 1L << 20;

    @Test
    void partitionsStartAfterAFourMebibyteGapAndAreAligned() {
        ImageLayout layout = ImageLayout.forContent(700 * MIB + 12345, 512 * MIB);

        assertThat(layout.bootStart()).isEqualTo(4 * MIB);
        assertThat(layout.bootSize()).isEqualTo(512 * MIB);
        assertThat(layout.rootStart()).isEqualTo(516 * MIB);
        assertThat(layout.rootSize() % ImageLayout.ALIGNMENT).isZero();
        assertThat(layout.totalSize()).isEqualTo(layout.rootStart() + layout.rootSize());
        assertThat(layout.bootStartSector()).isEqualTo(8192);
    }

    @Test
    void rootGetsAFifthOfItsContentPlus200MibOfHeadroom() {
        ImageLayout layout = ImageLayout.forContent(1000 * MIB, 512 * MIB);

        assertThat(layout.rootSize()).isEqualTo(1400 * MIB);
    }

    @Test
    void anOddBootSizeIsRoundedUpToTheAlignment() {
        ImageLayout layout = ImageLayout.forContent(0, 5 * MIB);

        assertThat(layout.bootSize()).isEqualTo(8 * MIB);
        assertThat(layout.rootSize()).isEqualTo(200 * MIB);
    }

    @Test
    void overlappingOrUnalignedPartitionsAreRefused() {
        assertThatThrownBy(() -> new ImageLayout(4 * MIB, 8 * MIB, 8 * MIB, 8 * MIB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
        assertThatThrownBy(() -> new ImageLayout(4 * MIB, 8 * MIB, 12 * MIB + 512, 8 * MIB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 MiB");
    }
}
