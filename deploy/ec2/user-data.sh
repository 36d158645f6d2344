#!/bin/bash
# Drover node bootstrap for EC2 (cloud-init runs it once, as root, at first boot): installs Java 17
# (and Docker on agents), installs the Drover release from S3, writes the node's settings with the
# cluster's TLS files (and a controller's secrets) from SSM Parameter Store, and starts the node's
# systemd unit. For Amazon Linux 2023, Debian 12 and Ubuntu 22.04 (later Ubuntu releases package no
# AWS CLI: use an image that has one). deploy/README.md explains it; the instance role needs
# s3:GetObject on the release and ssm:GetParameter on the parameters.
set -euo pipefail

# --- settings: deploy/cloudformation/drover.yaml fills these in; edit them for a template of your own
# controller or agent.
ROLE='agent'
# The release tarball (mvn -Pdist package: modules/drover-node/target/drover-<version>.tar.gz).
DIST_URL='s3://my-bucket/drover/drover-0.1.0.tar.gz'
# The cluster's name: the value of the drover:cluster tag on its instances.
CLUSTER_NAME='drover'
# Cassandra, host:port,...
CASSANDRA_CONTACT_POINTS='10.0.1.20:9042,10.0.2.20:9042,10.0.3.20:9042'
# The cluster's SSM parameters: tls/truststore.p12, tls/truststore.password, tls/<role>.p12,
# tls/<role>.password; for controllers also controller/master-key, controller/root-access-key-id,
# controller/root-secret-access-key (docs/security.md, docs/security-cluster.md).
PARAMETER_PATH='/drover/drover'
# Agents: the UNMANAGED compute environment this host serves.
COMPUTE_ENVIRONMENT='default'
# Controllers: how many controllers a new cluster waits for before forming, and the capacity
# provider of MANAGED compute environments (none or ec2; README.md, "Agents on EC2").
REQUIRED_CONTACT_POINTS='3'
CAPACITY_PROVIDER='none'
# --- end of settings

imds=http://169.254.169.254/latest
token=$(curl -sSf --retry 5 -X PUT "$imds/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
metadata() { curl -sSf --retry 5 -H "X-aws-ec2-metadata-token: $token" "$imds/$1"; }
instance_id=$(metadata meta-data/instance-id)
private_ip=$(metadata meta-data/local-ipv4)
instance_type=$(metadata meta-data/instance-type)
region=$(metadata meta-data/placement/region)
# spot, or on-demand for every other purchasing option (on-demand, scheduled, capacity blocks).
case "$(metadata meta-data/instance-life-cycle)" in
  spot) lifecycle=spot ;;
  *) lifecycle=on-demand ;;
esac
account_id=$(metadata dynamic/instance-identity/document | sed -n 's/.*"accountId" *: *"\([0-9]*\)".*/\1/p')

case "$ROLE" in
  controller|agent) ;;
  *) echo "user data: ROLE must be controller or agent, not '$ROLE'" >&2; exit 1 ;;
esac

# Java 17, the AWS CLI (S3, SSM), util-linux (setpriv, for the process executor) and, on agents,
# Docker for the job containers.
if command -v dnf >/dev/null 2>&1; then
  packages="java-17-amazon-corretto-headless util-linux"
  command -v aws >/dev/null 2>&1 || packages="$packages awscli-2"
  [ "$ROLE" = agent ] && packages="$packages docker"
  # shellcheck disable=SC2086 # a list of packages
  dnf install -y $packages
elif command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  packages="openjdk-17-jre-headless util-linux curl ca-certificates"
  command -v aws >/dev/null 2>&1 || packages="$packages awscli"
  [ "$ROLE" = agent ] && packages="$packages docker.io"
  apt-get update -q
  # shellcheck disable=SC2086 # a list of packages
  apt-get install -y -q --no-install-recommends $packages
else
  echo "user data: neither dnf nor apt-get found; use Amazon Linux 2023, Debian 12 or Ubuntu" >&2
  exit 1
fi
if [ "$ROLE" = agent ]; then
  systemctl enable --now docker
fi

# The drover user runs the node; on agents it may use the Docker engine.
getent group drover >/dev/null || groupadd --system drover
id drover >/dev/null 2>&1 || useradd --system --gid drover --home-dir /opt/drover --no-create-home --shell /usr/sbin/nologin drover
if [ "$ROLE" = agent ]; then
  usermod -aG docker drover
fi

# The release, as /opt/drover/<version> with /opt/drover/current pointing at it (deploy/UPGRADING.md).
work=$(mktemp -d)
aws s3 cp --region "$region" --only-show-errors "$DIST_URL" "$work/drover.tar.gz"
tar -xzf "$work/drover.tar.gz" -C "$work"
release=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'drover-*' -print -quit)
[ -n "$release" ] || { echo "user data: $DIST_URL holds no drover-<version>/ directory" >&2; exit 1; }
version=$(cat "$release/VERSION")
install -d -m 755 /opt/drover
rm -rf "/opt/drover/$version"
mv "$release" "/opt/drover/$version"
ln -sfn "/opt/drover/$version" /opt/drover/current
rm -rf "$work"
install -m 644 "/opt/drover/current/systemd/drover-$ROLE.service" /etc/systemd/system/

parameter() {
  aws ssm get-parameter --region "$region" --with-decryption --name "$PARAMETER_PATH/$1" --query Parameter.Value --output text
}

# Cluster TLS: only a host with a certificate from the cluster's CA joins (docs/security-cluster.md).
install -d -m 700 -o drover -g drover /etc/drover/tls
(
  umask 077
  parameter "tls/$ROLE.p12" | base64 -d > "/etc/drover/tls/$ROLE.p12"
  parameter "tls/$ROLE.password" > "/etc/drover/tls/$ROLE.password"
  parameter tls/truststore.p12 | base64 -d > /etc/drover/tls/truststore.p12
  parameter tls/truststore.password > /etc/drover/tls/truststore.password
)
chown drover:drover /etc/drover/tls/*

# The node's settings: the unit's EnvironmentFile, readable by root only (systemd reads it).
env_file="/etc/drover/$ROLE.env"
(
  umask 077
  cat > "$env_file" <<ENV
DROVER_DISCOVERY_METHOD=ec2-tags
DROVER_EC2_TAG_KEY=drover:cluster
DROVER_EC2_TAG_VALUE=$CLUSTER_NAME
DROVER_EC2_REGION=$region
DROVER_AWS_REGION=$region
DROVER_AWS_ACCOUNT_ID=$account_id
DROVER_HOSTNAME=$private_ip
DROVER_MANAGEMENT_HOSTNAME=$private_ip
DROVER_CASSANDRA_CONTACT_POINTS=$CASSANDRA_CONTACT_POINTS
DROVER_TLS_KEYSTORE=/etc/drover/tls/$ROLE.p12
DROVER_TLS_KEYSTORE_PASSWORD_FILE=/etc/drover/tls/$ROLE.password
DROVER_TLS_TRUSTSTORE=/etc/drover/tls/truststore.p12
DROVER_TLS_TRUSTSTORE_PASSWORD_FILE=/etc/drover/tls/truststore.password
ENV
  if [ "$ROLE" = controller ]; then
    cat >> "$env_file" <<ENV
DROVER_REQUIRED_CONTACT_POINTS=$REQUIRED_CONTACT_POINTS
DROVER_CREATE_SCHEMA=on
DROVER_HTTP_INTERFACE=0.0.0.0
DROVER_CAPACITY_PROVIDER=$CAPACITY_PROVIDER
DROVER_EC2_TLS_PARAMETER_PATH=$PARAMETER_PATH/tls
DROVER_MASTER_KEY=$(parameter controller/master-key)
DROVER_ROOT_ACCESS_KEY_ID=$(parameter controller/root-access-key-id)
DROVER_ROOT_SECRET_ACCESS_KEY=$(parameter controller/root-secret-access-key)
ENV
  else
    cat >> "$env_file" <<ENV
DROVER_COMPUTE_ENVIRONMENT=$COMPUTE_ENVIRONMENT
DROVER_AGENT_ID=$instance_id
DROVER_INSTANCE_ID=$instance_id
DROVER_INSTANCE_TYPE=$instance_type
DROVER_AGENT_LIFECYCLE=$lifecycle
ENV
  fi
)

systemctl daemon-reload
systemctl enable --now "drover-$ROLE"
