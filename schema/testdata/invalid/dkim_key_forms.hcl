zone "example.com" {
  email {
    dkim "record" {
      public_key = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0NCgUV7DwBrR2YGRfPUVOuK" # ERROR: Invalid DKIM public key
    }
    dkim "pkcs1" {
      public_key = "MIGJAoGBAOGDfO46bdGnxAWYoROQamfznbZhA3MlkQ9KeSDjULIBJGLZdD+qbcxtZzaD3G0PKQmKgQhuBiUmaHDH1bCWf2103+ZgBeGgIH09fsYRjBPrM60TTIZPc9hZGOqKrm5u6wLwCkDc0ijDAJPAwhoaCyboEJlpgTHoiUale6ItvApZAgMBAAE=" # ERROR: Invalid DKIM public key
    }
    dkim "spki-ed25519" {
      public_key = "MCowBQYDK2VwAyEAnkSiCDCyejMSWwQDOtLRobLAb3hzwH7ZS5pkdiUzoFo=" # ERROR: Invalid DKIM public key
    }
    dkim "pem" {
      public_key = "-----BEGIN PUBLIC KEY----- MIIB -----END PUBLIC KEY-----" # ERROR: Invalid DKIM public key
    }
  }
}
