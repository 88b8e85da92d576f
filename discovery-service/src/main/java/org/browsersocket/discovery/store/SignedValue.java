package org.browsersocket.discovery.store;

/**
 * OpenLookup's second store: the one mutable value of (principal, label), where the principal is
 * the SHA-1 of the owner's public key and every update is signed by that key with a sequence
 * number higher than the last one.
 *
 * @param principal  SHA-1 of {@code publicKey} (20 bytes)
 * @param label      the label, UTF-8
 * @param value      the value bytes
 * @param sequence   the update's sequence number; only a higher one may replace it
 * @param publicKey  the owner's ECDSA P-256 public key, SubjectPublicKeyInfo (DER)
 * @param signature  the owner's signature over label, value and sequence
 */
public record SignedValue(byte[] principal, String label, byte[] value, long sequence, byte[] publicKey,
                          byte[] signature) {}
