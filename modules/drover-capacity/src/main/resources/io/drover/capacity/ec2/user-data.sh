#!/bin/bash
# Drover agent bootstrap, written by Drover's EC2 capacity provider for compute environment
# {{COMPUTE_ENVIRONMENT}}. cloud-init runs it once, as root, at the instance's first boot.
set -euo pipefail

imds=http://169.254.169.254/latest
token=$(curl -sSf --retry 5 -X PUT "$imds/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
metadata() { curl -sSf --retry 5 -H "X-aws-ec2-metadata-token: $token" "$imds/meta-data/$1"; }
instance_id=$(metadata instance-id)
private_ip=$(metadata local-ipv4)
instance_type=$(metadata instance-type)

# The agent's settings: /etc/drover/agent.env is the drover-agent unit's EnvironmentFile.
mkdir -p /etc/drover
cat > /etc/drover/agent.env <<ENV
DROVER_DISCOVERY_METHOD=ec2-tags
DROVER_EC2_TAG_KEY={{CLUSTER_TAG_KEY}}
DROVER_EC2_TAG_VALUE={{CLUSTER_NAME}}
DROVER_COMPUTE_ENVIRONMENT={{COMPUTE_ENVIRONMENT}}
DROVER_AGENT_LIFECYCLE={{LIFECYCLE}}
DROVER_INSTANCE_ID=$instance_id
DROVER_INSTANCE_TYPE=$instance_type
DROVER_HOSTNAME=$private_ip
DROVER_MANAGEMENT_HOSTNAME=$private_ip
ENV

# Cluster TLS: only a host with a certificate from the cluster's CA can join.
{{TLS}}

set -a
. /etc/drover/agent.env
set +a

# The compute environment's own setup.
{{SETUP}}

{{AGENT_COMMAND}}
