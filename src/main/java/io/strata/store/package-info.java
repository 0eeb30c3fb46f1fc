/**
 * The stage store: sealed stages kept once under their key, outside any work dir, so every work dir
 * (and, through a registry, every machine) whose next stage has that key uses it without building.
 */
package io.strata.store;
