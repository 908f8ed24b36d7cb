/**
 * A small, strict resolver for the CloudFormation intrinsics our packaged template uses, so tests can
 * evaluate the role's policies on concrete ARNs. It resolves what CloudFormation would resolve at
 * deploy time for one stage (pseudo parameters, Conditions, Ref, GetAtt, Sub, If, Join, Select,
 * Split, Equals/Not/And/Or) and throws on anything it does not know rather than guessing: a new
 * resource type or attribute must be taught here, in `PHYSICAL`.
 */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Conditions?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

export interface Deployment {
  service: string;
  stage: string;
  region: string;
  accountId: string;
  partition: string;
}

export const TEST_DEPLOYMENT: Deployment = {
  service: 'key-hygiene',
  stage: 'test',
  region: 'us-east-1',
  accountId: '123456789012',
  partition: 'aws',
};

/** Removes a property or list item, as `AWS::NoValue` does. */
const NO_VALUE = Symbol('AWS::NoValue');

interface Physical {
  ref: string;
  attributes: Record<string, string>;
}

type Namer = (logicalId: string, properties: Record<string, unknown>, r: CfnResolver) => Physical;

/** Ref and GetAtt values per resource type, built the way CloudFormation and the services build them. */
const PHYSICAL: Record<string, Namer> = {
  'AWS::SNS::Topic': (id, p, r) => {
    const name = r.nameOf(id, p.TopicName);
    const arn = r.arn('sns', name);
    return { ref: arn, attributes: { TopicArn: arn, TopicName: name } };
  },
  'AWS::KMS::Key': (id, _p, r) => {
    // A key id is a UUID chosen by KMS; a stable fake one per logical id keeps ARNs distinct.
    const hex = Buffer.from(id).toString('hex').padEnd(12, '0').slice(0, 12);
    const keyId = `00000000-0000-4000-8000-${hex}`;
    return { ref: keyId, attributes: { KeyId: keyId, Arn: r.arn('kms', `key/${keyId}`) } };
  },
  'AWS::StepFunctions::StateMachine': (id, p, r) => {
    const name = r.nameOf(id, p.StateMachineName);
    const arn = r.arn('states', `stateMachine:${name}`);
    return { ref: arn, attributes: { Arn: arn, Name: name } };
  },
  'AWS::Events::Rule': (id, p, r) => {
    const name = r.nameOf(id, p.Name);
    return { ref: name, attributes: { Arn: r.arn('events', `rule/${name}`) } };
  },
  'AWS::SQS::Queue': (id, p, r) => {
    const name = r.nameOf(id, p.QueueName);
    const d = r.deployment;
    const url = `https://sqs.${d.region}.amazonaws.com/${d.accountId}/${name}`;
    return { ref: url, attributes: { Arn: r.arn('sqs', name), QueueName: name, QueueUrl: url } };
  },
  'AWS::S3::Bucket': (id, p, r) => {
    const name = r.nameOf(id, p.BucketName).toLowerCase();
    return {
      ref: name,
      attributes: {
        Arn: `arn:${r.deployment.partition}:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
      },
    };
  },
  'AWS::Logs::LogGroup': (id, p, r) => {
    const name = r.nameOf(id, p.LogGroupName);
    return { ref: name, attributes: { Arn: r.arn('logs', `log-group:${name}:*`) } };
  },
  'AWS::IAM::Role': (id, p, r) => {
    const name = r.nameOf(id, p.RoleName);
    const path = typeof p.Path === 'string' ? p.Path : '/';
    const arn = `arn:${r.deployment.partition}:iam::${r.deployment.accountId}:role${path}${name}`;
    return { ref: name, attributes: { Arn: arn, RoleId: `AROA${id.toUpperCase().slice(0, 16)}` } };
  },
  'AWS::Lambda::Function': (id, p, r) => {
    const name = r.nameOf(id, p.FunctionName);
    return { ref: name, attributes: { Arn: r.arn('lambda', `function:${name}`) } };
  },
  'AWS::CloudWatch::Alarm': (id, p, r) => {
    const name = r.nameOf(id, p.AlarmName);
    return { ref: name, attributes: { Arn: r.arn('cloudwatch', `alarm:${name}`) } };
  },
  'AWS::SecretsManager::Secret': (id, p, r) => {
    // Ref is the ARN: the name plus the six random characters Secrets Manager appends.
    const name = r.nameOf(id, p.Name);
    const arn = r.arn('secretsmanager', `secret:${name}-AbCdEf`);
    return { ref: arn, attributes: { Id: arn } };
  },
  'AWS::SSM::Parameter': (id, p, r) => {
    const name = r.nameOf(id, p.Name);
    return { ref: name, attributes: { Type: String(p.Type ?? 'String') } };
  },
};

export class CfnResolver {
  private readonly physical = new Map<string, Physical>();
  private readonly conditions = new Map<string, boolean>();

  constructor(
    readonly template: CfnTemplate,
    readonly deployment: Deployment = TEST_DEPLOYMENT,
  ) {}

  get stackName(): string {
    return `${this.deployment.service}-${this.deployment.stage}`;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<rest>` */
  arn(service: string, rest: string): string {
    const d = this.deployment;
    return `arn:${d.partition}:${service}:${d.region}:${d.accountId}:${rest}`;
  }

  /** The resource's name property, or the name CloudFormation generates when it has none. */
  nameOf(logicalId: string, nameProperty: unknown): string {
    if (nameProperty === undefined) return `${this.stackName}-${logicalId}-GENERATED`;
    const name = this.resolve(nameProperty);
    if (typeof name !== 'string')
      throw new Error(`${logicalId}: name ${JSON.stringify(name)} is not a string`);
    return name;
  }

  /** Whether a condition of the template's Conditions section holds for this deployment. */
  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new Error(`Unknown condition ${name}`);
    const value = this.evaluateCondition(expression);
    this.conditions.set(name, value);
    return value;
  }

  /** Whether a resource exists in this deployment (its Condition, if any, holds). */
  exists(logicalId: string): boolean {
    const resource = this.resource(logicalId);
    return resource.Condition === undefined || this.condition(resource.Condition);
  }

  resource(logicalId: string): CfnResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`The template has no resource ${logicalId}`);
    return resource;
  }

  /** `!Ref` of a logical id or pseudo parameter. */
  ref(name: string): string {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    return this.physicalOf(name).ref;
  }

  /** `!GetAtt logicalId.attribute` */
  getAtt(logicalId: string, attribute: string): string {
    const value = this.physicalOf(logicalId).attributes[attribute];
    if (value === undefined) {
      throw new Error(`No value for GetAtt ${logicalId}.${attribute}: teach test/support/cfn-resolver.ts`);
    }
    return value;
  }

  /** `Fn::Sub` of a string; `extra` adds variables (the declarations' `${Service}`, `${Stage}`). */
  sub(text: string, extra: Record<string, string> = {}): string {
    // `${!name}` is Fn::Sub's escape: it stands for the literal `${name}` (an IAM policy variable).
    return text.replace(/\$\{(!?)([^}]+)\}/g, (_match, escaped: string, name: string) => {
      if (escaped) return `\${${name}}`;
      if (name in extra) return extra[name] as string;
      const pseudo = this.pseudo(name);
      if (pseudo !== undefined) return pseudo;
      const dot = name.indexOf('.');
      return dot === -1 ? this.ref(name) : this.getAtt(name.slice(0, dot), name.slice(dot + 1));
    });
  }

  /** Resolves every intrinsic function in a value; `AWS::NoValue` removes the entry. */
  resolve(value: unknown): unknown {
    const resolved = this.resolveOrNoValue(value);
    if (resolved === NO_VALUE) throw new Error('AWS::NoValue where a value is required');
    return resolved;
  }

  private resolveOrNoValue(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolveOrNoValue(item)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.resolveOrNoValue(item);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  private intrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return argument === 'AWS::NoValue' ? NO_VALUE : this.ref(String(argument));
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        return this.getAtt(String(id), String(attribute));
      }
      case 'Fn::Sub': {
        if (typeof argument === 'string') return this.sub(argument);
        const [text, variables] = argument as [string, Record<string, unknown>];
        const extra = Object.fromEntries(
          Object.entries(variables).map(([key, v]) => [key, String(this.resolve(v))]),
        );
        return this.sub(text, extra);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
        return this.resolveOrNoValue(this.condition(condition) ? whenTrue : whenFalse);
      }
      case 'Fn::Join': {
        const [separator, items] = argument as [string, unknown[]];
        return (this.resolve(items) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, items] = argument as [unknown, unknown];
        return (this.resolve(items) as unknown[])[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return String(this.resolve(text)).split(separator);
      }
      default:
        throw new Error(`Unsupported intrinsic ${name}: teach test/support/cfn-resolver.ts`);
    }
  }

  private evaluateCondition(expression: unknown): boolean {
    const [entry] = Object.entries(expression as Record<string, unknown>);
    if (!entry) throw new Error(`Empty condition ${JSON.stringify(expression)}`);
    const [name, argument] = entry;
    const items = argument as unknown[];
    switch (name) {
      case 'Fn::Equals':
        return JSON.stringify(this.resolve(items[0])) === JSON.stringify(this.resolve(items[1]));
      case 'Fn::Not':
        return !this.evaluateCondition(items[0]);
      case 'Fn::And':
        return items.every((item) => this.evaluateCondition(item));
      case 'Fn::Or':
        return items.some((item) => this.evaluateCondition(item));
      case 'Condition':
        return this.condition(String(argument));
      default:
        throw new Error(`Unsupported condition function ${name}`);
    }
  }

  private pseudo(name: string): string | undefined {
    const d = this.deployment;
    const values: Record<string, string> = {
      'AWS::Partition': d.partition,
      'AWS::Region': d.region,
      'AWS::AccountId': d.accountId,
      'AWS::StackName': this.stackName,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return values[name];
  }

  private physicalOf(logicalId: string): Physical {
    const known = this.physical.get(logicalId);
    if (known) return known;
    const resource = this.resource(logicalId);
    if (!this.exists(logicalId))
      throw new Error(`${logicalId} does not exist in this deployment (condition)`);
    const namer = PHYSICAL[resource.Type];
    if (!namer) throw new Error(`No Ref/GetAtt for ${resource.Type}: teach test/support/cfn-resolver.ts`);
    const physical = namer(logicalId, resource.Properties ?? {}, this);
    this.physical.set(logicalId, physical);
    return physical;
  }
}
