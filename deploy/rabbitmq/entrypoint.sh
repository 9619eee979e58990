#!/bin/sh
# Renders OMS's broker users (definitions.json, beside this file) with their passwords from the
# environment, then runs the given command (the image's own entrypoint with rabbitmq-server).
#
# Each password must be set, at least 16 characters, and only letters, digits and . _ ~ - (it is
# written into the services' AMQP URLs as is): `openssl rand -hex 24` makes one.
#
# OMS_DEFINITIONS_TEMPLATE and RABBITMQ_DEFINITIONS_FILE move the input and output (tests).
set -eu

template="${OMS_DEFINITIONS_TEMPLATE:-/etc/oms/rabbitmq/definitions.json}"
out="${RABBITMQ_DEFINITIONS_FILE:-/etc/rabbitmq/definitions.json}"

rendered="$(cat "$template")"
for var in RABBITMQ_ADMIN_PASSWORD ORDERS_AMQP_PASSWORD STOCK_AMQP_PASSWORD PAYMENTS_AMQP_PASSWORD \
  KITCHEN_AMQP_PASSWORD; do
  eval "value=\${$var:-}"
  if [ -z "$value" ]; then
    echo "rabbitmq: $var is not set; put it in .env (openssl rand -hex 24 makes one)" >&2
    exit 1
  fi
  case "$value" in
  *[!A-Za-z0-9._~-]*)
    echo "rabbitmq: $var may hold only letters, digits and . _ ~ - (openssl rand -hex 24 makes one)" >&2
    exit 1
    ;;
  esac
  if [ "${#value}" -lt 16 ]; then
    echo "rabbitmq: $var must be at least 16 characters, got ${#value}" >&2
    exit 1
  fi
  rendered="$(printf '%s\n' "$rendered" | sed "s|\${$var}|$value|g")"
done
case "$rendered" in
*'${'*)
  echo "rabbitmq: $template has a placeholder this script does not fill" >&2
  exit 1
  ;;
esac

umask 077
printf '%s\n' "$rendered" >"$out.tmp"
if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then chown rabbitmq:rabbitmq "$out.tmp"; fi
mv "$out.tmp" "$out"

exec "$@"
