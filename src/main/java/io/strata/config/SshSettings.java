package io.strata.config;

/**
 * What the image's SSH server does: ENABLE_SSH, the first user's key (PUBKEY_SSH_FIRST_USER, empty for
 * none) and PUBKEY_ONLY_SSH.
 */
public record SshSettings(boolean enabled, String firstUserPubkey, boolean pubkeyOnly) {

    public boolean hasFirstUserPubkey() {
        return !firstUserPubkey.isBlank();
    }
}
