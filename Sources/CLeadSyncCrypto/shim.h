#ifndef LEADSYNC_CRYPTO_SHIM_H
#define LEADSYNC_CRYPTO_SHIM_H
// OpenSSL's libcrypto (already under libcurl): its EVP AES-256-GCM and RAND_bytes only.
#include <openssl/evp.h>
#include <openssl/rand.h>

/// EVP_CIPHER_CTX_ctrl's GCM tag requests take their command from macros: one typed wrapper each.
static inline int leadsync_gcm_get_tag(EVP_CIPHER_CTX *context, unsigned char *tag16) {
    return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, tag16);
}
static inline int leadsync_gcm_set_tag(EVP_CIPHER_CTX *context, unsigned char *tag16) {
    return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, tag16);
}
#endif
