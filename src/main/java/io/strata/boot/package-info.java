/**
 * The boot check: an exported image booted headless in QEMU (TCG unless KVM really works), logged
 * into over its serial console, and checked against the config it was built from.
 */
package io.strata.boot;
