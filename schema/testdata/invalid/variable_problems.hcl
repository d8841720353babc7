variable "required" {} # ERROR: No value for variable
variable "dup" { default = "a" }
variable "dup" { default = "b" } # ERROR: Duplicate variable
variable "derived" {
  default = var.dup # ERROR: Variable default uses a reference
}
variable "from_env" {
  default = env("HOME") # ERROR: env() not allowed here
}

zone "example.com" {
  record "@" "TXT" { value = var.required }
}
