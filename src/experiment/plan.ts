import { stringify } from 'yaml'
import { HOURS_PER_MONTH, type Catalog } from '../catalog/catalog.js'
import { UsageError } from '../core/errors.js'

export interface PlanOptions {
  types: readonly string[]
  /** AMI per CPU architecture: the x86_64 image and the arm64 image. */
  amis: { x86_64?: string; arm64?: string }
  region: string
  subnet?: string
  securityGroups: readonly string[]
  keyName?: string
  /** The port the service listens on in the image, for the experiment command printed at the end. */
  port: number
  stack: string
}

export interface PlannedArm {
  name: string
  type: string
  arch: 'x86_64' | 'arm64'
  ami: string
  pricePerHourUsd: number | null
}

const AMI = /^ami-[0-9a-f]{8,17}$/

/** The arms to launch: one per type, each with the AMI of its architecture and its on-demand price. */
export function planArms(catalog: Catalog, o: PlanOptions): PlannedArm[] {
  if (o.types.length < 2) throw new UsageError(`--types needs two instance types or more (got ${o.types.length})`, 'Example: --types m5.large,m6g.large')
  for (const [arch, ami] of Object.entries(o.amis))
    if (ami !== undefined && !AMI.test(ami))
      throw new UsageError(`--ami-${arch === 'x86_64' ? 'x86' : 'arm'} '${ami}' is not an AMI id`, 'AMI ids look like ami-0abcdef1234567890.')
  return o.types.map((type) => {
    const t = catalog.get(type)
    if (!t) throw new UsageError(`--types: '${type}' is not in the catalog`, 'List types with: headroom catalog --vcpus 2')
    const arch = t.architectures.includes('arm64') ? 'arm64' : 'x86_64'
    const ami = o.amis[arch]
    if (!ami)
      throw new UsageError(
        `${type} is ${arch}: give its image with --ami-${arch === 'arm64' ? 'arm' : 'x86'} ami-...`,
        'An AMI runs on one CPU architecture only.',
      )
    if (!catalog.offeredIn(t, o.region))
      throw new UsageError(`${type} is not offered in ${o.region}`, 'Pick another --region or type (headroom catalog --region ...).')
    return { name: type.replace(/\./g, '-'), type, arch, ami, pricePerHourUsd: catalog.priceUsd(type, o.region) ?? null }
  })
}

const cost = (arms: readonly PlannedArm[]) => {
  const priced = arms.filter((a) => a.pricePerHourUsd !== null)
  const total = priced.reduce((s, a) => s + a.pricePerHourUsd!, 0)
  return [
    ...arms.map((a) => `#   ${a.type.padEnd(14)} ${a.arch.padEnd(7)} ${a.pricePerHourUsd === null ? 'unpriced' : `$${a.pricePerHourUsd.toFixed(4)}/h`}`),
    `#   total ${priced.length < arms.length ? '(priced arms) ' : ''}$${total.toFixed(4)}/h; an hour-long experiment costs about $${total.toFixed(2)}, a forgotten month $${(total * HOURS_PER_MONTH).toFixed(0)}`,
  ]
}

const tags = (o: PlanOptions, a: PlannedArm) => [
  { Key: 'Name', Value: `${o.stack}-${a.name}` },
  { Key: 'headroom:experiment', Value: o.stack },
]

/**
 * A CloudFormation template that launches one instance per arm (AWS::EC2::Instance: ImageId, InstanceType, optional
 * SubnetId, SecurityGroupIds, KeyName, Tags) and outputs each arm's private IP, with the cost per hour, the commands
 * to create and delete the stack, and the experiment to run, as comments. Printed, never applied.
 */
export function planCloudFormation(arms: readonly PlannedArm[], o: PlanOptions): string {
  const resources: Record<string, unknown> = {}
  const outputs: Record<string, unknown> = {}
  for (const a of arms) {
    const id = `Arm${a.name.replace(/[^A-Za-z0-9]/g, '')}`
    resources[id] = {
      Type: 'AWS::EC2::Instance',
      Properties: {
        ImageId: a.ami,
        InstanceType: a.type,
        ...(o.subnet ? { SubnetId: o.subnet } : {}),
        ...(o.securityGroups.length ? { SecurityGroupIds: [...o.securityGroups] } : {}),
        ...(o.keyName ? { KeyName: o.keyName } : {}),
        Tags: tags(o, a),
      },
    }
    outputs[`${id}PrivateIp`] = { Description: `${a.type} (${a.arch})`, Value: { 'Fn::GetAtt': [id, 'PrivateIp'] } }
  }
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `headroom experiment ${o.stack}: ${arms.map((a) => a.type).join(' vs ')} (same service image per architecture)`,
    Resources: resources,
    Outputs: outputs,
  }
  const run = arms.map((a) => `--arm ${a.name}=http://<Arm${a.name.replace(/[^A-Za-z0-9]/g, '')}PrivateIp>:${o.port},type=${a.type}`).join(' ')
  return [
    `# headroom experiment plan (printed, not run). On-demand Linux prices in ${o.region}:`,
    ...cost(arms),
    `# Save this as experiment.yaml, then`,
    `# create:   aws cloudformation deploy --region ${o.region} --stack-name ${o.stack} --template-file experiment.yaml`,
    `# IPs:      aws cloudformation describe-stacks --region ${o.region} --stack-name ${o.stack} --query 'Stacks[0].Outputs'`,
    `# run, from a machine in the same VPC (the IPs are private):`,
    `#           npx headroom experiment /health ${run}`,
    `# delete:   aws cloudformation delete-stack --region ${o.region} --stack-name ${o.stack}`,
    stringify(template, { lineWidth: 0 }),
  ].join('\n')
}

/** The same as AWS CLI steps: run-instances per arm (tagged), wait, read the IPs, and terminate by tag. */
export function planCli(arms: readonly PlannedArm[], o: PlanOptions): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
  const filter = q(`Name=tag:headroom:experiment,Values=${o.stack}`)
  const lines = [
    '#!/usr/bin/env bash',
    `# headroom experiment plan (printed, not run). On-demand Linux prices in ${o.region}:`,
    ...cost(arms),
    'set -euo pipefail',
    `# Tear down on any exit, a failure or Ctrl-C included: every instance is tagged headroom:experiment=${o.stack}.`,
    `cleanup() {`,
    `  ids=$(aws ec2 describe-instances --region ${o.region} --filters ${filter} 'Name=instance-state-name,Values=pending,running,stopping,stopped' --query 'Reservations[].Instances[].InstanceId' --output text)`,
    `  if [ -n "$ids" ]; then aws ec2 terminate-instances --region ${o.region} --instance-ids $ids > /dev/null; fi`,
    `}`,
    'trap cleanup EXIT',
  ]
  for (const a of arms) {
    const tagSpec = `ResourceType=instance,Tags=[${tags(o, a)
      .map((t) => `{Key=${t.Key},Value=${t.Value}}`)
      .join(',')}]`
    lines.push(
      `ID_${a.name.replace(/-/g, '_').toUpperCase()}=$(aws ec2 run-instances --region ${o.region} --image-id ${a.ami} --instance-type ${a.type} --count 1` +
        `${o.subnet ? ` --subnet-id ${o.subnet}` : ''}${o.securityGroups.length ? ` --security-group-ids ${o.securityGroups.join(' ')}` : ''}${o.keyName ? ` --key-name ${q(o.keyName)}` : ''}` +
        ` --tag-specifications ${q(tagSpec)} --query 'Instances[0].InstanceId' --output text)`,
    )
  }
  const ids = arms.map((a) => `"$ID_${a.name.replace(/-/g, '_').toUpperCase()}"`).join(' ')
  lines.push(`aws ec2 wait instance-running --region ${o.region} --instance-ids ${ids}`)
  for (const a of arms) {
    const v = a.name.replace(/-/g, '_').toUpperCase()
    lines.push(
      `IP_${v}=$(aws ec2 describe-instances --region ${o.region} --instance-ids "$ID_${v}" --query 'Reservations[0].Instances[0].PrivateIpAddress' --output text)`,
    )
  }
  lines.push(
    `npx headroom experiment /health ${arms.map((a) => `--arm ${a.name}=http://$IP_${a.name.replace(/-/g, '_').toUpperCase()}:${o.port},type=${a.type}`).join(' ')}`,
  )
  return lines.join('\n') + '\n'
}
