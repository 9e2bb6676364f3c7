internal import CLeadSyncCrypto
internal import Foundation

/// AES-256-GCM over OpenSSL's libcrypto (EVP), for a tenant's credentials at rest (decision 0027).
///
/// A sealed document is `version (1) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`. The nonce is fresh
/// from `RAND_bytes` for every seal. `context` is authenticated but not stored: the tenant's id
/// goes there, so a row copied to another tenant does not open, and neither does a changed byte.
enum CredentialCipher {
    static let version: UInt8 = 1
    static let nonceLength = 12
    static let tagLength = 16

    /// Why a sealed document did not open (or a seal failed, which only a broken libcrypto does).
    enum Failure: Error, Equatable {
        /// The key is not the one that sealed it, the context differs, or the bytes were changed.
        case notAuthentic
        /// Not something `seal` wrote.
        case malformed
        /// libcrypto failed: its call named.
        case library(String)
    }

    static func seal(_ plaintext: Data, key: CredentialsKey, context: Data) throws(Failure) -> Data {
        var nonce = [UInt8](repeating: 0, count: nonceLength)
        guard RAND_bytes(&nonce, Int32(nonceLength)) == 1 else { throw .library("RAND_bytes") }
        var tag = [UInt8](repeating: 0, count: tagLength)
        let ciphertext = try run(encrypting: true, [UInt8](plaintext), key: key, nonce: nonce, context: context) {
            leadsync_gcm_get_tag($0, &tag) == 1
        }
        return Data([version] + nonce + ciphertext + tag)
    }

    static func open(_ sealed: Data, key: CredentialsKey, context: Data) throws(Failure) -> Data {
        let bytes = [UInt8](sealed)
        guard bytes.count >= 1 + nonceLength + tagLength, bytes[0] == version else { throw .malformed }
        let nonce = Array(bytes[1..<(1 + nonceLength)])
        var tag = Array(bytes[(bytes.count - tagLength)...])
        let ciphertext = Array(bytes[(1 + nonceLength)..<(bytes.count - tagLength)])
        return Data(
            try run(encrypting: false, ciphertext, key: key, nonce: nonce, context: context) {
                leadsync_gcm_set_tag($0, &tag) == 1
            })
    }

    /// One EVP pass: init with the key and nonce, the context as additional data, the input,
    /// then `final`. `tagStep` gets the tag after the input when encrypting and sets it before
    /// `final` when decrypting, where `final` is the authentication check.
    private static func run(
        encrypting: Bool, _ input: [UInt8], key: CredentialsKey, nonce: [UInt8], context: Data,
        tagStep: (OpaquePointer) -> Bool
    ) throws(Failure) -> [UInt8] {
        guard let cipher = EVP_CIPHER_CTX_new() else { throw .library("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(cipher) }
        let context = [UInt8](context)
        // GCM writes as many bytes as it reads; the spare block keeps the buffer non-empty.
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var written: Int32 = 0
        var ignored: Int32 = 0
        let started =
            key.bytes.withUnsafeBufferPointer { key in
                encrypting
                    ? EVP_EncryptInit_ex(cipher, EVP_aes_256_gcm(), nil, key.baseAddress, nonce)
                    : EVP_DecryptInit_ex(cipher, EVP_aes_256_gcm(), nil, key.baseAddress, nonce)
            } == 1
        let update = encrypting ? EVP_EncryptUpdate : EVP_DecryptUpdate
        guard started, context.isEmpty || update(cipher, nil, &ignored, context, Int32(context.count)) == 1,
            update(cipher, &output, &written, input, Int32(input.count)) == 1
        else { throw .library(encrypting ? "EVP_EncryptUpdate" : "EVP_DecryptUpdate") }
        if encrypting {
            let finished = output.withUnsafeMutableBufferPointer {
                EVP_EncryptFinal_ex(cipher, $0.baseAddress! + Int(written), &ignored)
            }
            guard finished == 1, tagStep(cipher) else { throw .library("EVP_EncryptFinal_ex") }
        } else {
            guard tagStep(cipher) else { throw .library("EVP_CIPHER_CTX_ctrl") }
            let authentic = output.withUnsafeMutableBufferPointer {
                EVP_DecryptFinal_ex(cipher, $0.baseAddress! + Int(written), &ignored)
            }
            guard authentic == 1 else { throw .notAuthentic }
        }
        return Array(output.prefix(input.count))
    }
}
