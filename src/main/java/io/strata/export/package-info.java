/**
 * Export: a sealed stage image becomes a flashable raw disk image (MBR, boot partition, ext4 root)
 * without mounting FAT and without partition scanning, then a deploy file with its .sha256 and .info.
 */
package io.strata.export;
