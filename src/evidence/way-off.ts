/**
 * The way off a long-term key, from its usage profile: what replaces the key (an OIDC role for CI,
 * IAM Identity Center for a person, IAM Roles Anywhere for a workload elsewhere, an instance, task
 * or function role on AWS) and a snippet the owner can adapt. Pure. A snippet holds placeholders in
 * `<angle brackets>` and never any account data but the finding's account id, user name and key id:
 * the report travels by email and chat, and the rest is the owner's to fill in.
 */
import type { KeyEvidenceEntry } from '../model.js';

export interface WayOff {
  profile: KeyEvidenceEntry['profile'];
  /** The replacement in one line, for the text report, the CSV and Security Hub. */
  line: string;
  /** The evidence in a phrase: the reasons that decided the profile. */
  evidence: string;
  /** Commands and policies to adapt, several lines. */
  snippet: string;
  /** The AWS documentation page that explains the replacement. */
  url: string;
}

/** The finding's own facts, the only account data a snippet may carry. */
export interface WayOffSubject {
  accountId: string;
  userName: string;
  accessKeyId: string;
}

type CiService = 'github' | 'gitlab';
type AwsHost = 'lambda' | 'ecs' | 'ec2';

const DOCS = {
  oidc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html',
  identityCenter: 'https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html',
  rolesAnywhere: 'https://docs.aws.amazon.com/rolesanywhere/latest/userguide/getting-started.html',
  lambda: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
  ecs: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html',
  ec2: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html',
  serviceRole: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html',
  lookup: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events-cli.html',
} as const;

/** What to do when CloudTrail said nothing about a key because it could not be read. */
const UNREAD: Readonly<Record<NonNullable<KeyEvidenceEntry['gap']>, string>> = {
  denied: "the auditor's role may not call it: grant it cloudtrail:LookupEvents",
  throttled: 'CloudTrail throttled every try: the next run reads it again',
  budget:
    'the evidence budget was spent first: the next run reads it again, or raise evidenceTimeBudgetSeconds',
  error: 'the lookup failed: the next run reads it again',
};

/** The way off for one key with evidence. */
export function wayOff(entry: KeyEvidenceEntry, subject: WayOffSubject): WayOff {
  const evidence = entry.reasons.join('; ');
  const retire = retireKey(subject);
  if (entry.gap !== null && entry.events === 0) {
    // Nothing read is no evidence of disuse: say why, and how to look by hand meanwhile.
    return {
      profile: entry.profile,
      line: `Usage not read from CloudTrail (${entry.gap}): ${UNREAD[entry.gap]}; meanwhile, look up what uses the key by hand.`,
      evidence,
      snippet: [...lookupSnippet(subject), ...retire].join('\n'),
      url: DOCS.lookup,
    };
  }
  switch (entry.profile) {
    case 'pipeline': {
      const ci = ciServices(entry);
      const names = ci.map((service) => (service === 'github' ? 'GitHub Actions' : 'GitLab CI')).join(' or ');
      return {
        profile: entry.profile,
        line: `Replace the key with an IAM OIDC identity provider and a role the pipeline assumes (${names}).`,
        evidence,
        snippet: [...ci.flatMap((service) => oidcSnippet(service, subject.accountId)), ...retire].join('\n'),
        url: DOCS.oidc,
      };
    }
    case 'person':
      return {
        profile: entry.profile,
        line: 'Replace the key with IAM Identity Center: a permission set, then aws configure sso and aws sso login.',
        evidence,
        snippet: [...identityCenterSnippet(subject.accountId), ...retire].join('\n'),
        url: DOCS.identityCenter,
      };
    case 'workload-elsewhere':
      return {
        profile: entry.profile,
        line: 'Replace the key with IAM Roles Anywhere: a trust anchor, a profile, and aws_signing_helper as credential_process.',
        evidence,
        snippet: [...rolesAnywhereSnippet(subject.accountId), ...retire].join('\n'),
        url: DOCS.rolesAnywhere,
      };
    case 'workload-on-aws': {
      const hosts = awsHosts(entry);
      const [only] = hosts;
      const what = hosts.map((host) => HOSTS[host].name).join(', or ');
      return {
        profile: entry.profile,
        line: `Replace the key with ${hosts.length === 1 ? 'the' : 'an'} ${what}: the SDK finds its credentials by itself.`,
        evidence,
        snippet: [...hosts.flatMap((host) => awsRoleSnippet(host, subject.accountId)), ...retire].join('\n'),
        url: hosts.length === 1 && only ? DOCS[only] : DOCS.serviceRole,
      };
    }
    case 'unknown':
      return {
        profile: entry.profile,
        line: 'Find out what uses the key (CloudTrail), then move it to a role: on AWS a service role, CI an OIDC role, people Identity Center, elsewhere Roles Anywhere.',
        evidence,
        snippet: [...lookupSnippet(subject), ...retire].join('\n'),
        url: DOCS.lookup,
      };
  }
}

/** GitHub or GitLab from where the agents ran; both when the agents do not say. */
function ciServices(entry: KeyEvidenceEntry): CiService[] {
  const found: CiService[] = [];
  if (entry.runtimes.some((runtime) => runtime.value === 'GitHub Actions')) found.push('github');
  if (entry.runtimes.some((runtime) => runtime.value === 'GitLab CI')) found.push('gitlab');
  return found.length > 0 ? found : ['github', 'gitlab'];
}

const HOSTS: Readonly<Record<AwsHost, { name: string; principal: string; source: string; runtime: string }>> =
  {
    lambda: {
      name: 'Lambda function execution role',
      principal: 'lambda.amazonaws.com',
      source: 'lambda.amazonaws.com',
      runtime: 'AWS Lambda',
    },
    ecs: {
      name: 'ECS task role',
      principal: 'ecs-tasks.amazonaws.com',
      source: 'ecs-tasks.amazonaws.com',
      runtime: 'Amazon ECS',
    },
    ec2: {
      name: 'EC2 instance profile',
      principal: 'ec2.amazonaws.com',
      source: 'ec2.amazonaws.com',
      runtime: 'Amazon EC2',
    },
  };

/** The AWS service the calls came from or ran on; all three when the summary does not say. */
function awsHosts(entry: KeyEvidenceEntry): AwsHost[] {
  const hosts = (Object.keys(HOSTS) as AwsHost[]).filter(
    (host) =>
      entry.sources.some((source) => source.value === HOSTS[host].source) ||
      entry.runtimes.some((runtime) => runtime.value === HOSTS[host].runtime),
  );
  return hosts.length > 0 ? hosts : ['lambda', 'ecs', 'ec2'];
}

function oidcSnippet(service: CiService, accountId: string): string[] {
  const github = service === 'github';
  const issuer = github ? 'token.actions.githubusercontent.com' : 'gitlab.com';
  const audience = github ? 'sts.amazonaws.com' : 'https://gitlab.com';
  const subject = github
    ? 'repo:<org>/<repo>:ref:refs/heads/main'
    : 'project_path:<group>/<project>:ref_type:branch:ref:main';
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${issuer}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${issuer}:aud`]: audience, [`${issuer}:sub`]: subject } },
      },
    ],
  };
  const role = `arn:aws:iam::${accountId}:role/<role-name>`;
  const use = github
    ? [
        '# 3. In the workflow: permissions: id-token: write, then',
        '#    - uses: aws-actions/configure-aws-credentials@v4',
        `#      with: { role-to-assume: ${role}, aws-region: <region> }`,
      ]
    : [
        '# 3. In .gitlab-ci.yml: id_tokens: { GITLAB_OIDC_TOKEN: { aud: https://gitlab.com } }, then',
        `#    aws sts assume-role-with-web-identity --role-arn ${role} \\`,
        '#      --role-session-name "gitlab-$CI_JOB_ID" --web-identity-token "$GITLAB_OIDC_TOKEN"',
      ];
  return [
    `# ${github ? 'GitHub Actions' : 'GitLab CI'}: 1. the identity provider, once per account`,
    'aws iam create-open-id-connect-provider \\',
    `  --url https://${issuer} --client-id-list ${audience}`,
    '# 2. a role with the permissions the pipeline needs, trusting only your repository (trust.json):',
    'aws iam create-role --role-name <role-name> --assume-role-policy-document file://trust.json',
    ...JSON.stringify(trust, null, 2).split('\n'),
    ...use,
  ];
}

function identityCenterSnippet(accountId: string): string[] {
  return [
    '# 1. A permission set with what the person needs, assigned to them in this account',
    'aws sso-admin create-permission-set --instance-arn <instance-arn> \\',
    '  --name <permission-set-name> --session-duration PT8H',
    'aws sso-admin create-account-assignment --instance-arn <instance-arn> \\',
    `  --target-id ${accountId} --target-type AWS_ACCOUNT \\`,
    '  --permission-set-arn <permission-set-arn> \\',
    '  --principal-type USER --principal-id <identity-store-user-id>',
    '# 2. On the laptop, once, then each morning',
    'aws configure sso   # start URL https://<your-portal>.awsapps.com/start',
    'aws sso login --profile <profile>',
  ];
}

function rolesAnywhereSnippet(accountId: string): string[] {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'rolesanywhere.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
        Condition: {
          ArnEquals: {
            'aws:SourceArn': `arn:aws:rolesanywhere:<region>:${accountId}:trust-anchor/<trust-anchor-id>`,
          },
        },
      },
    ],
  };
  return [
    '# 1. A trust anchor: the certificate authority that issues the workload certificates,',
    '#    your own CA (its certificate, PEM, in JSON: a PEM breaks the shorthand syntax)',
    'aws rolesanywhere create-trust-anchor --name <anchor-name> --enabled \\',
    `  --source '{"sourceType":"CERTIFICATE_BUNDLE","sourceData":{"x509CertificateData":"<ca-certificate-pem>"}}'`,
    '#    or an AWS Private CA:',
    '#    --source "sourceType=AWS_ACM_PCA,sourceData={acmPcaArn=<private-ca-arn>}"',
    '# 2. A role the workload may assume through it (trust.json), and a profile for the role',
    'aws iam create-role --role-name <role-name> --assume-role-policy-document file://trust.json',
    ...JSON.stringify(trust, null, 2).split('\n'),
    'aws rolesanywhere create-profile --name <profile-name> --enabled \\',
    `  --role-arns arn:aws:iam::${accountId}:role/<role-name>`,
    '# 3. On the workload, in ~/.aws/config',
    '[profile <profile>]',
    'credential_process = aws_signing_helper credential-process \\',
    '  --certificate <certificate.pem> --private-key <private-key.pem> \\',
    `  --trust-anchor-arn <trust-anchor-arn> --profile-arn <profile-arn> \\`,
    `  --role-arn arn:aws:iam::${accountId}:role/<role-name>`,
  ];
}

function awsRoleSnippet(host: AwsHost, accountId: string): string[] {
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: HOSTS[host].principal }, Action: 'sts:AssumeRole' }],
  };
  const role = `arn:aws:iam::${accountId}:role/<role-name>`;
  const attach: Record<AwsHost, string[]> = {
    lambda: [
      `aws lambda update-function-configuration --function-name <function-name> --role ${role}`,
      '# and remove AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from its environment',
    ],
    ecs: [
      `# in the task definition: "taskRoleArn": "${role}"`,
      '# and remove AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the container environment',
    ],
    ec2: [
      'aws iam create-instance-profile --instance-profile-name <profile-name>',
      'aws iam add-role-to-instance-profile --instance-profile-name <profile-name> --role-name <role-name>',
      'aws ec2 associate-iam-instance-profile --instance-id <instance-id> \\',
      '  --iam-instance-profile Name=<profile-name>',
    ],
  };
  return [
    `# ${HOSTS[host].name}: a role ${HOSTS[host].principal} may assume (trust.json)`,
    'aws iam create-role --role-name <role-name> --assume-role-policy-document file://trust.json',
    ...JSON.stringify(trust, null, 2).split('\n'),
    ...attach[host],
  ];
}

function lookupSnippet(subject: WayOffSubject): string[] {
  return [
    '# What used the key lately: source addresses, agents and calls, region by region',
    `aws iam get-access-key-last-used --access-key-id ${subject.accessKeyId}`,
    'aws cloudtrail lookup-events --region <region> \\',
    `  --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=${subject.accessKeyId} \\`,
    "  --query 'Events[].CloudTrailEvent' --output text",
    '# Then, in order of preference: a role of the AWS service it runs on (instance, task,',
    '# function), an OIDC role for CI, IAM Identity Center for people, IAM Roles Anywhere',
    '# for workloads outside AWS; a key that must stay is rotated.',
  ];
}

/** The last step of every way off: the key goes once nothing uses it. */
function retireKey(subject: WayOffSubject): string[] {
  return [
    `# Last: once nothing uses ${subject.accessKeyId} (of ${subject.userName}), deactivate it, then delete it`,
    `aws iam update-access-key --user-name ${subject.userName} --access-key-id ${subject.accessKeyId} --status Inactive`,
  ];
}

/**
 * The way off for a key of the report, when its evidence was read; null otherwise (evidence off, a
 * key without a finding, a key known only by its slot).
 */
export function keyWayOff(
  report: { accountId: string; evidence?: readonly KeyEvidenceEntry[] | undefined },
  key: { userName: string | null; accessKeyId: string | null; keyCreateDate?: string | Date | null },
): WayOff | null {
  const entry = keyEvidence(report.evidence ?? [], key);
  return entry
    ? wayOff(entry, { accountId: report.accountId, userName: entry.userName, accessKeyId: entry.accessKeyId })
    : null;
}

/**
 * A key's evidence: by its id, or, for a key the credential report names by slot only, by its user
 * and creation date (to the second, as the slot was matched to the key when it was read).
 */
export function keyEvidence(
  evidence: readonly KeyEvidenceEntry[],
  key: { userName: string | null; accessKeyId: string | null; keyCreateDate?: string | Date | null },
): KeyEvidenceEntry | null {
  const { userName, accessKeyId, keyCreateDate } = key;
  if (userName === null) return null;
  const second = (date: string | Date) => Math.floor(new Date(date).getTime() / 1000);
  const found = evidence.find((e) =>
    accessKeyId !== null
      ? e.accessKeyId === accessKeyId && e.userName === userName
      : e.userName === userName &&
        keyCreateDate != null &&
        e.keyCreateDate !== null &&
        second(e.keyCreateDate) === second(keyCreateDate),
  );
  return found ?? null;
}
