#ifndef SLIPSTREAM_COPENSSL_SHIM_H
#define SLIPSTREAM_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ec.h>

/* Macros Swift cannot import, as static inline functions. */
static inline long cslip_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long cslip_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long cslip_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
/* Adds a certificate to the chain sent after the leaf; takes its own reference. */
static inline long cslip_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *x509) {
    return SSL_CTX_add1_chain_cert(ctx, x509);
}
/* Sets the SNI host name a client sends. */
static inline long cslip_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
/* Makes an empty memory BIO report "retry" instead of EOF. */
static inline long cslip_BIO_set_mem_eof_return(BIO *bio, int value) {
    return BIO_set_mem_eof_return(bio, value);
}
/* Number of bytes waiting to be read from a BIO. */
static inline size_t cslip_BIO_ctrl_pending(BIO *bio) {
    return BIO_ctrl_pending(bio);
}
/* Pointer to and length of a memory BIO's contents. */
static inline long cslip_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}
static inline int cslip_ERR_GET_LIB(unsigned long code) { return ERR_GET_LIB(code); }
static inline int cslip_ERR_GET_REASON(unsigned long code) { return ERR_GET_REASON(code); }
/* A fresh EC P-256 key pair (EVP_EC_gen is a variadic macro). */
static inline EVP_PKEY *cslip_EVP_EC_gen_P256(void) {
    return EVP_EC_gen("P-256");
}
static inline int cslip_sk_GENERAL_NAME_num(const GENERAL_NAMES *names) {
    return sk_GENERAL_NAME_num(names);
}
static inline GENERAL_NAME *cslip_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}
static inline void cslip_GENERAL_NAMES_free(GENERAL_NAMES *names) {
    GENERAL_NAMES_free(names);
}
/* SSL_OP_NO_RENEGOTIATION is built by a function-like macro. */
static inline uint64_t cslip_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }
/* Writes an X509 name as an RFC 2253 string into a BIO. */
static inline int cslip_X509_NAME_print_rfc2253(BIO *bio, const X509_NAME *name) {
    return X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
}
static inline void cslip_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }
/* Queues "no application protocol" as the reason a callback refused the handshake. */
static inline void cslip_ERR_raise_no_application_protocol(void) {
    ERR_raise(ERR_LIB_SSL, SSL_R_NO_APPLICATION_PROTOCOL);
}
#endif
