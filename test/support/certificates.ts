/**
 * Keys and X.509 certificates made in the tests (@peculiar/x509 over WebCrypto): a CA
 * chain like UnionPay's (root → middle → signing certificate) and self-signed certificates.
 */
import { createPrivateKey, type KeyObject, webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

export interface Issued {
  pem: string;
  keyPem: string;
  privateKey: KeyObject;
  serialHex: string;
  keys: CryptoKeyPair;
  subject: string;
}

const YEAR = 365 * 24 * 3600 * 1000;

async function keyPem(keys: CryptoKeyPair): Promise<{ pem: string; key: KeyObject }> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey));
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return { pem: key.export({ type: 'pkcs8', format: 'pem' }).toString(), key };
}

export interface CertificateOptions {
  subject: string;
  issuer?: Issued;
  ca?: boolean;
  serialHex?: string;
  notBefore?: Date;
  notAfter?: Date;
}

export async function certificate(options: CertificateOptions): Promise<Issued> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const serialHex = options.serialHex ?? `0${Math.floor(Math.random() * 0xffffffff).toString(16)}`;
  const extensions = options.ca
    ? [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ]
    : [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)];
  const common = {
    serialNumber: serialHex,
    notBefore: options.notBefore ?? new Date(Date.now() - YEAR),
    notAfter: options.notAfter ?? new Date(Date.now() + 5 * YEAR),
    signingAlgorithm: ALGORITHM,
    extensions,
  };
  const cert = options.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: options.subject,
        issuer: options.issuer.subject,
        publicKey: keys.publicKey,
        signingKey: options.issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: options.subject, keys });
  const { pem, key } = await keyPem(keys);
  return { pem: cert.toString('pem'), keyPem: pem, privateKey: key, serialHex, keys, subject: options.subject };
}
