/**
 * Validates an event against an OCSF class as the schema's own source files define it (the folder
 * test/fixtures/ocsf-schema-<version>, copied from the OCSF release): the class and objects with
 * their `extends` chains and included profiles, the dictionary's attribute types and enumerations.
 * It checks what a consumer relies on: required attributes present, no attribute the class or
 * object does not define (profile attributes only when `metadata.profiles` names the profile),
 * each value of its type (base types, regular expressions, ranges), enumerated ids known and their
 * captions matching, objects' `at_least_one`/`just_one` constraints, and the class's uids.
 */
import { readFileSync } from 'node:fs';

interface AttributeDef {
  type?: string;
  is_array?: boolean;
  requirement?: string;
  enum?: Record<string, { caption?: string }>;
  sibling?: string;
  profile?: string | null;
}

interface Definition {
  name: string;
  uid?: number;
  category?: string;
  extends?: string;
  attributes: Record<string, AttributeDef>;
  constraints?: { at_least_one?: string[]; just_one?: string[] };
}

interface TypeDef {
  type?: string;
  regex?: string;
  max_len?: number;
  range?: [number, number];
}

export class OcsfSchema {
  private readonly dir: URL;
  private readonly dictionary: Record<string, AttributeDef>;
  private readonly types: Record<string, TypeDef>;
  private readonly categories: Record<string, { uid: number }>;

  constructor(dir: URL) {
    this.dir = dir;
    const dictionary = this.read('dictionary.json') as {
      attributes: Record<string, AttributeDef>;
      types: { attributes: Record<string, TypeDef> };
    };
    this.dictionary = dictionary.attributes;
    this.types = dictionary.types.attributes;
    this.categories = (
      this.read('categories.json') as { attributes: Record<string, { uid: number }> }
    ).attributes;
  }

  get version(): string {
    return (this.read('version.json') as { version: string }).version;
  }

  private read(path: string): unknown {
    return JSON.parse(readFileSync(new URL(path, this.dir), 'utf8'));
  }

  /** A class or object file with its includes merged under its own attributes. */
  private load(path: string): Definition {
    const raw = this.read(path) as Definition & { attributes: Record<string, unknown> };
    const own = { ...raw.attributes } as Record<string, unknown>;
    const includes = (own.$include as string[] | undefined) ?? [];
    delete own.$include;
    const attributes: Record<string, AttributeDef> = {};
    for (const include of includes) {
      const profile = this.read(include) as { name: string; attributes: Record<string, AttributeDef> };
      for (const [name, def] of Object.entries(profile.attributes)) {
        attributes[name] = { ...def, profile: profile.name };
      }
    }
    for (const [name, def] of Object.entries(own as Record<string, AttributeDef>)) {
      attributes[name] = { ...attributes[name], ...def };
    }
    return { ...raw, attributes };
  }

  /** A definition with its `extends` chain resolved, the most derived attributes winning. */
  private resolve(path: (name: string) => string, name: string): Definition {
    const own = this.load(path(name));
    if (!own.extends) return own;
    const parent = this.resolve(path, own.extends);
    const attributes = { ...parent.attributes };
    for (const [attr, def] of Object.entries(own.attributes))
      attributes[attr] = { ...attributes[attr], ...def };
    return { ...parent, ...own, attributes, constraints: own.constraints ?? parent.constraints };
  }

  /**
   * A class with its uids' enumerations filled in as the OCSF compiler fills them: `class_uid` and
   * `category_uid` the class's own, `type_uid` one value per activity, with their captions.
   */
  eventClass(path: string): Definition & { classUid: number } {
    const file =
      path
        .split('/')
        .pop()
        ?.replace(/\.json$/, '') ?? path;
    const definition = this.resolve((name) => (name === file ? path : this.eventPath(name)), file);
    const category = this.categories[definition.category ?? ''] as
      | { uid: number; caption?: string }
      | undefined;
    if (!category || definition.uid === undefined) throw new Error(`${path}: no category or uid`);
    const classUid = category.uid * 1000 + definition.uid;
    const caption = (definition as { caption?: string }).caption ?? definition.name;
    const activities = definition.attributes.activity_id?.enum ?? {};
    const attributes = { ...definition.attributes };
    const withEnum = (name: string, values: Record<string, { caption?: string }>) => {
      attributes[name] = { ...attributes[name], enum: values };
    };
    withEnum('class_uid', { [classUid]: { caption } });
    withEnum('category_uid', { [category.uid]: { caption: category.caption } });
    withEnum(
      'type_uid',
      Object.fromEntries(
        Object.entries(activities).map(([id, activity]) => [
          String(classUid * 100 + Number(id)),
          { caption: `${caption}: ${activity.caption}` },
        ]),
      ),
    );
    return { ...definition, attributes, classUid };
  }

  private eventPath(name: string): string {
    return name === 'base_event' ? 'events/base_event.json' : `events/findings/${name}.json`;
  }

  private object(name: string): Definition {
    return this.resolve((n) => `objects/${n}.json`, name);
  }

  /** Every problem of `event` against the class at `path` (`events/findings/detection_finding.json`). */
  validate(event: Record<string, unknown>, path: string): string[] {
    const definition = this.eventClass(path);
    const profiles = new Set(
      ((event.metadata as { profiles?: unknown } | undefined)?.profiles as string[] | undefined) ?? [],
    );
    const problems = this.validateObject(event, definition, '', profiles);
    if (event.class_uid !== definition.classUid) problems.push(`class_uid: expected ${definition.classUid}`);
    const category = this.categories[definition.category ?? '']?.uid;
    if (event.category_uid !== category) problems.push(`category_uid: expected ${category}`);
    if (event.type_uid !== definition.classUid * 100 + Number(event.activity_id)) {
      problems.push('type_uid: expected class_uid * 100 + activity_id');
    }
    return problems;
  }

  private validateObject(
    value: Record<string, unknown>,
    definition: Definition,
    at: string,
    profiles: ReadonlySet<string>,
  ): string[] {
    const problems: string[] = [];
    const allowed = (def: AttributeDef) => !def.profile || profiles.has(def.profile);
    for (const [name, def] of Object.entries(definition.attributes)) {
      if (def.requirement === 'required' && allowed(def) && value[name] === undefined) {
        problems.push(`${at}${name}: required by ${definition.name}`);
      }
    }
    for (const [name, item] of Object.entries(value)) {
      const def = definition.attributes[name];
      if (!def || !allowed(def)) {
        problems.push(
          `${at}${name}: not an attribute of ${definition.name}${def ? ` without profile ${def.profile}` : ''}`,
        );
        continue;
      }
      problems.push(...this.validateAttribute(name, item, def, `${at}${name}`, profiles));
      const merged = { ...this.dictionary[name], ...def };
      if (merged.sibling && merged.enum && value[merged.sibling] !== undefined && String(item) !== '99') {
        const caption = merged.enum[String(item)]?.caption;
        if (caption !== undefined && value[merged.sibling] !== caption) {
          problems.push(
            `${at}${merged.sibling}: expected "${caption}", the caption of ${name} ${String(item)}`,
          );
        }
      }
    }
    const { at_least_one: atLeastOne, just_one: justOne } = definition.constraints ?? {};
    if (atLeastOne && !atLeastOne.some((name) => value[name] !== undefined)) {
      problems.push(`${at || 'event'}: needs at least one of ${atLeastOne.join(', ')}`);
    }
    if (justOne && justOne.filter((name) => value[name] !== undefined).length !== 1) {
      problems.push(`${at || 'event'}: needs exactly one of ${justOne.join(', ')}`);
    }
    return problems;
  }

  private validateAttribute(
    name: string,
    value: unknown,
    def: AttributeDef,
    at: string,
    profiles: ReadonlySet<string>,
  ): string[] {
    const merged = { ...this.dictionary[name], ...def };
    if (!merged.type) return [`${at}: no type in the dictionary`];
    if (merged.is_array) {
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      return value.flatMap((item, i) => this.validateValue(item, merged, `${at}[${i}]`, profiles));
    }
    return this.validateValue(value, merged, at, profiles);
  }

  private validateValue(
    value: unknown,
    def: AttributeDef,
    at: string,
    profiles: ReadonlySet<string>,
  ): string[] {
    const type = def.type ?? '';
    if (type === 'object' || type === 'json_t') {
      return type === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value))
        ? [`${at}: expected an object`]
        : [];
    }
    if (!type.endsWith('_t')) {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return [`${at}: expected a ${type} object`];
      return this.validateObject(value as Record<string, unknown>, this.object(type), `${at}.`, profiles);
    }
    const problems = this.validatePrimitive(value, type, at);
    if (problems.length === 0 && def.enum && !(String(value) in def.enum)) {
      problems.push(`${at}: ${String(value)} is not one of ${Object.keys(def.enum).join(', ')}`);
    }
    return problems;
  }

  private validatePrimitive(value: unknown, type: string, at: string): string[] {
    const chain: TypeDef[] = [];
    let base = type;
    for (let def = this.types[base]; def?.type; def = this.types[base]) {
      chain.push(def);
      base = def.type;
    }
    const problems: string[] = [];
    const ok = {
      string_t: typeof value === 'string',
      integer_t: Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31,
      long_t: Number.isSafeInteger(value),
      float_t: typeof value === 'number' && Number.isFinite(value),
      boolean_t: typeof value === 'boolean',
    }[base];
    if (ok === undefined) return [`${at}: unknown base type ${base}`];
    if (!ok) return [`${at}: expected ${type}, got ${JSON.stringify(value)}`];
    for (const def of [this.types[type], ...chain]) {
      if (def?.regex && !new RegExp(def.regex).test(String(value)))
        problems.push(`${at}: does not match ${type}`);
      if (def?.max_len !== undefined && String(value).length > def.max_len)
        problems.push(`${at}: longer than ${def.max_len}`);
      if (def?.range && ((value as number) < def.range[0] || (value as number) > def.range[1])) {
        problems.push(`${at}: out of range`);
      }
    }
    return problems;
  }
}
