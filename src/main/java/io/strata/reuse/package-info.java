/**
 * Content-addressed reuse: each stage is known by a key, a hash of everything that can change its
 * result (its files, the config values it sees, the previous stage's key, Strata itself). A finished
 * stage whose recorded key matches is reused; the first stage whose key differs, and every stage
 * after it, is rebuilt. Exports are keyed the same way.
 */
package io.strata.reuse;
