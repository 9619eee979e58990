#!/bin/sh
# Renders OMS's broker users (definitions.json, beside this file) with their passwords from the
# environment, then runs the given command (the image's own entrypoint with rabbitmq-server).
#
# Each password must be set, at least 16 characters, and only letters, digits and . _ ~ - (it is
# written into the services' AMQP URLs as is): `openssl rand -hex 24` makes one.
#
# OMS_DEFINITIONS_TEMPLATE and RABBITMQ_DEFINITIONS_FILE move the input and output (tests), as
# OMS_ERLANG_COOKIE_FILE moves the Erlang cookie written from RABBITMQ_ERLANG_COOKIE.
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

# The Erlang cookie the nodes of a cluster share (compose's `cluster` profile), written where RabbitMQ
# and its CLI tools read it; unset or empty, the node keeps (or makes) its own, unless
# OMS_REQUIRE_ERLANG_COOKIE=true (a node that joins others) makes it required.
cookie="${RABBITMQ_ERLANG_COOKIE:-}"
unset RABBITMQ_ERLANG_COOKIE
if [ -z "$cookie" ] && [ "${OMS_REQUIRE_ERLANG_COOKIE:-}" = true ]; then
  echo "rabbitmq: this node joins a cluster: set RABBITMQ_ERLANG_COOKIE in .env (openssl rand -hex 32 makes one)" >&2
  exit 1
fi
if [ -n "$cookie" ]; then
  case "$cookie" in
  *[!A-Za-z0-9]*)
    echo "rabbitmq: RABBITMQ_ERLANG_COOKIE may hold only letters and digits (openssl rand -hex 32 makes one)" >&2
    exit 1
    ;;
  esac
  if [ "${#cookie}" -lt 20 ]; then
    echo "rabbitmq: RABBITMQ_ERLANG_COOKIE must be at least 20 characters, got ${#cookie}" >&2
    exit 1
  fi
  cookie_file="${OMS_ERLANG_COOKIE_FILE:-/var/lib/rabbitmq/.erlang.cookie}"
  rm -f "$cookie_file"
  printf '%s' "$cookie" >"$cookie_file"
  chmod 400 "$cookie_file"
  if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then chown rabbitmq:rabbitmq "$cookie_file"; fi
fi

exec "$@"
