/**
 * Block maps and flashing: the .bmap beside a raw image (bmaptool's format), and writing a deployed
 * image to a card or stick with bmaptool after checking the target is one a person meant.
 */
package io.strata.flash;
