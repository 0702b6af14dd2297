#!/usr/bin/env bash
# Installs the brokers of the interop suite that come from Debian packages (RabbitMQ with its MQTT
# plugin, ejabberd with mod_mqtt). The suite starts them itself, as plain processes in temporary
# folders, so the packages' own services must not start: policy-rc.d answers 101 ("action
# forbidden") to invoke-rc.d during the install. A failed install is not an error here: the suite
# then skips those brokers and prints why.
set -uo pipefail

packages=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || packages+=(rabbitmq-server)
command -v ejabberdctl >/dev/null 2>&1 || packages+=(ejabberd)
if [ ${#packages[@]} -eq 0 ]; then
  echo "interop-setup: rabbitmq-server and ejabberd already installed"
  exit 0
fi

start=$(date +%s)
policy=/usr/sbin/policy-rc.d
created_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# written by tsmqtt scripts/interop-setup.sh: no service starts during the install\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  created_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; then
  echo "interop-setup: installed ${packages[*]} in $(( $(date +%s) - start )) s"
else
  echo "interop-setup: could not install ${packages[*]}: the interop suite will skip them"
fi

# Belt and braces: a service that started anyway (no policy-rc.d honoured) is stopped and disabled.
for service in rabbitmq-server ejabberd; do
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now "$service" >/dev/null 2>&1 || true
  elif [ -x "/etc/init.d/$service" ]; then
    "/etc/init.d/$service" stop >/dev/null 2>&1 || true
  fi
done

[ -n "$created_policy" ] && rm -f "$policy"
exit 0
