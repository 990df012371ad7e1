#!/bin/sh
# Ansible runs this to get the vault password: it is read from the environment, so it never
# sits in a file on the runner.
if [ -z "${ANSIBLE_VAULT_PASSWORD:-}" ]; then
  echo "ANSIBLE_VAULT_PASSWORD is not set" >&2
  exit 1
fi
printf '%s\n' "$ANSIBLE_VAULT_PASSWORD"
