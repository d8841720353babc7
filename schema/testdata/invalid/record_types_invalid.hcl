zone "example.com" {
  record "@" "HTTPS" { value = "0 . alpn=h2" } # ERROR: Invalid HTTPS parameters
  record "svc" "SVCB" { value = "x svc.example.net." } # ERROR: Invalid SVCB
  record "_25._tcp.mx" "TLSA" { value = "4 1 1 2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881" } # ERROR: Invalid TLSA usage
  record "_26._tcp.mx" "TLSA" { value = "3 1 1 2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A48" } # ERROR: Invalid TLSA certificate data
  record "_27._tcp.mx" "TLSA" { value = "3 1 1 XYZ" } # ERROR: Invalid TLSA certificate data
  record "a._smimecert" "SMIMEA" { value = "3 2 1 2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881" } # ERROR: Invalid SMIMEA selector
  record "host" "SSHFP" { value = "5 2 2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881" } # ERROR: Invalid SSHFP algorithm
  record "host2" "SSHFP" { value = "4 1 2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881" } # ERROR: Invalid SSHFP fingerprint
  record "sip" "NAPTR" { value = "100 10 \"U+\" \"E2U+sip\" \"\" ." } # ERROR: Invalid NAPTR flags
  record "sip2" "NAPTR" { value = "100 10 U E2U+sip x ." } # ERROR: Invalid NAPTR
  record "office" "LOC" { value = "91 0 0 N 0 0 0 E 0m" } # ERROR: Invalid LOC
  record "child" "DS" { value = "60485 13 3 2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881" } # ERROR: Invalid DS digest type
  record "child2" "DS" { value = "60485 13 2 2D71" } # ERROR: Invalid DS digest
  record "keys" "DNSKEY" { value = "257 4 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==" } # ERROR: Invalid DNSKEY protocol
  record "cert" "CERT" { value = "PKIX 12345 RSASHA256 ***" } # ERROR: Invalid CERT certificate
  record "_ftp._tcp" "URI" { value = "10 1 \"\"" } # ERROR: Invalid URI target
  record "_ftp2._tcp" "URI" { value = "70000 1 \"ftp://x.example/\"" } # ERROR: Invalid URI
  record "k._openpgpkey" "OPENPGPKEY" { value = "not base64!" } # ERROR: Invalid OPENPGPKEY
}
