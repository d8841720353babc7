# VAR: origin_ip=198.51.100.7
# ENV: LAUNCHREADY_VAR_origin_ip=192.0.2.1
# ENV: LAUNCHREADY_VAR_ttl=600
variable "origin_ip" {}
variable "ttl" { default = 300 }

zone "example.com" {
  record "@" "A" {
    value = var.origin_ip
    ttl   = var.ttl
  }
}
