'use client';

import * as React from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { AlertTriangle, Braces, Globe, Loader2, Lock, Save } from 'lucide-react';
import { extractVariables, renderTemplate } from '@engify/lib/template';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { NativeSelect } from '@/components/ui/native-select';
import { Textarea } from '@/components/ui/textarea';
import { FormField } from '@/components/form-field';
import { ErrorAlert } from '@/components/status';
import { createPrompt, toApiError, updatePrompt, type ApiError } from '@/lib/api';
import {
  DIFFICULTIES,
  DIFFICULTY_LABEL,
  promptHref,
  type Difficulty,
  type EditorOption,
  type EditorOptions,
  type PromptDetail,
  type PromptInput,
  type PromptVariable,
  type Visibility,
} from '@/lib/types';
import { cn, pluralize } from '@/lib/utils';

/** Per-variable details the author edits. Kept by name, so they survive the template being re-parsed. */
interface VariableMeta {
  description: string;
  /** Undefined until the author decides: then a `{{#section}}` is optional and a placeholder required. */
  required?: boolean;
  default: string;
  example: string;
}

const BLANK: VariableMeta = { description: '', default: '', example: '' };

const LIMITS = {
  title: [3, 120],
  description: [1, 500],
  template: 20000,
  tags: 12,
  roles: 10,
  patterns: 8,
  variables: 50,
  varDescription: [3, 300],
  varDefault: 2000,
  varExample: 4000,
} as const;

const TAG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SECTION = /\{\{\s*#\s*([a-z][a-z0-9_]{0,63})\s*\}\}/g;

const TEMPLATE_PLACEHOLDER = `Review this {{language}} change as a senior engineer.

{{diff}}

{{#focus}}Pay special attention to {{focus}}.{{/focus}}
List bugs first, then risks, then style nits.`;

/** "testing, API design" → ["testing", "api-design"] (deduplicated). */
export function parseTags(text: string): string[] {
  const tags = text
    .split(',')
    .map((t) =>
      t
        .trim()
        .toLowerCase()
        .replace(/[\s_]+/g, '-')
        .replace(/-+/g, '-')
        .replace(/^-|-$/g, ''),
    )
    .filter(Boolean);
  return [...new Set(tags)];
}

function sectionNames(template: string): Set<string> {
  return new Set([...template.matchAll(SECTION)].map((m) => m[1]!));
}

type Detection = { names: string[]; error: null } | { names: null; error: string };

function detect(template: string): Detection {
  try {
    return { names: extractVariables(template), error: null };
  } catch (err) {
    // TemplateSyntaxError: unbalanced {{#section}} … {{/section}}.
    return { names: null, error: err instanceof Error ? err.message : 'The template has a syntax error.' };
  }
}

type Errors = Record<string, string>;

export function PromptEditor({ options, initial }: { options: EditorOptions; initial?: PromptDetail }) {
  const router = useRouter();
  const [title, setTitle] = React.useState(initial?.title ?? '');
  const [description, setDescription] = React.useState(initial?.description ?? '');
  const [category, setCategory] = React.useState(initial?.category ?? '');
  const [roles, setRoles] = React.useState<string[]>(initial?.roles ?? []);
  const [patterns, setPatterns] = React.useState<string[]>(initial?.patterns ?? []);
  const [tagsText, setTagsText] = React.useState((initial?.tags ?? []).join(', '));
  const [difficulty, setDifficulty] = React.useState<Difficulty>(initial?.difficulty ?? 'intermediate');
  const [visibility, setVisibility] = React.useState<Visibility>(initial?.visibility ?? 'private');
  const [template, setTemplate] = React.useState(initial?.template ?? '');
  const [meta, setMeta] = React.useState<Record<string, VariableMeta>>(() =>
    Object.fromEntries(
      (initial?.variables ?? []).map((v) => [
        v.name,
        {
          description: v.description,
          required: v.required,
          default: v.default ?? '',
          example: v.example ?? '',
        },
      ]),
    ),
  );
  const [errors, setErrors] = React.useState<Errors>({});
  const [formError, setFormError] = React.useState<ApiError | null>(null);
  const [saving, setSaving] = React.useState(false);
  const [dirty, setDirty] = React.useState(false);
  const savedRef = React.useRef(false);

  // ---- Live variable detection -------------------------------------------------------------------
  const detection = React.useMemo(() => detect(template), [template]);
  const lastGood = React.useRef<string[]>(initial?.variables.map((v) => v.name) ?? []);
  if (detection.names) lastGood.current = detection.names;
  const names = detection.names ?? lastGood.current;
  const sections = React.useMemo(() => sectionNames(template), [template]);
  const metaFor = (name: string): VariableMeta => meta[name] ?? BLANK;
  const requiredFor = (name: string) => metaFor(name).required ?? !sections.has(name);

  // Show a syntax error once typing pauses, so an unfinished {{#section}} doesn't flash red.
  const [shownSyntaxError, setShownSyntaxError] = React.useState<string | null>(detection.error);
  React.useEffect(() => {
    if (!detection.error) {
      setShownSyntaxError(null);
      return;
    }
    const timer = window.setTimeout(() => setShownSyntaxError(detection.error), 600);
    return () => window.clearTimeout(timer);
  }, [detection.error]);

  // ---- Preview ---------------------------------------------------------------------------------
  const preview = React.useMemo(() => {
    if (detection.error) return null;
    const values = Object.fromEntries(
      names.map((n) => {
        const m = meta[n] ?? BLANK;
        return [n, m.example || m.default || `‹${n}›`];
      }),
    );
    try {
      return renderTemplate(template, values);
    } catch {
      return null;
    }
  }, [template, names, meta, detection.error]);

  // ---- Unsaved changes ---------------------------------------------------------------------------
  React.useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (savedRef.current) return;
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  const change =
    <T,>(set: React.Dispatch<React.SetStateAction<T>>, field?: string) =>
    (value: T) => {
      set(value);
      setDirty(true);
      if (field && errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
    };
  const setVar = (name: string, patch: Partial<VariableMeta>) => {
    setMeta((prev) => ({ ...prev, [name]: { ...(prev[name] ?? BLANK), ...patch } }));
    setDirty(true);
    for (const key of Object.keys(patch)) {
      const field = `var.${name}.${key}`;
      if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
    }
  };
  const toggle = (list: string[], id: string, on: boolean) =>
    on ? [...list, id] : list.filter((x) => x !== id);

  const tags = parseTags(tagsText);

  // ---- Validation --------------------------------------------------------------------------------
  const validate = (): Errors => {
    const e: Errors = {};
    const t = title.trim();
    if (t.length < LIMITS.title[0]) e.title = `Give it a title of at least ${LIMITS.title[0]} characters.`;
    else if (t.length > LIMITS.title[1]) e.title = `Keep the title under ${LIMITS.title[1]} characters.`;
    const d = description.trim();
    if (d.length < LIMITS.description[0]) e.description = 'Say in a sentence what the prompt is for.';
    else if (d.length > LIMITS.description[1])
      e.description = `Keep the description under ${LIMITS.description[1]} characters.`;
    if (!category) e.category = 'Choose a category.';
    if (roles.length > LIMITS.roles) e.roles = `Choose at most ${LIMITS.roles} roles.`;
    if (patterns.length > LIMITS.patterns) e.patterns = `Choose at most ${LIMITS.patterns} patterns.`;
    const badTags = tags.filter((tag) => !TAG.test(tag) || tag.length < 2 || tag.length > 40);
    if (badTags.length > 0)
      e.tags = `Tags use 2–40 lowercase letters, digits and dashes: fix ${badTags.map((x) => `“${x}”`).join(', ')}.`;
    else if (tags.length > LIMITS.tags) e.tags = `Use at most ${LIMITS.tags} tags.`;
    if (!template.trim()) e.template = 'Write the prompt template.';
    else if (template.length > LIMITS.template)
      e.template = `Templates are limited to ${LIMITS.template.toLocaleString()} characters.`;
    else if (detection.error) e.template = detection.error;
    if (names.length > LIMITS.variables) e.template = `Use at most ${LIMITS.variables} variables.`;
    for (const name of names) {
      const m = metaFor(name);
      const desc = m.description.trim();
      if (desc.length < LIMITS.varDescription[0])
        e[`var.${name}.description`] = 'Describe what goes here (at least 3 characters).';
      else if (desc.length > LIMITS.varDescription[1])
        e[`var.${name}.description`] = `Keep it under ${LIMITS.varDescription[1]} characters.`;
      if (m.default.length > LIMITS.varDefault)
        e[`var.${name}.default`] = `Keep the default under ${LIMITS.varDefault} characters.`;
      if (m.example.length > LIMITS.varExample)
        e[`var.${name}.example`] = `Keep the example under ${LIMITS.varExample} characters.`;
    }
    return e;
  };

  const focusFirstError = (e: Errors) => {
    const order = [
      'title',
      'description',
      'category',
      'roles',
      'patterns',
      'tags',
      'template',
      ...names.flatMap((n) => ['description', 'default', 'example'].map((f) => `var.${n}.${f}`)),
    ];
    const first = order.find((k) => e[k]);
    if (!first) return;
    const el = document.getElementById(fieldId(first));
    el?.focus();
    el?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  };

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (saving) return;
    setFormError(null);
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(found);
      return;
    }
    const variables: PromptVariable[] = names.map((name) => {
      const m = metaFor(name);
      return {
        name,
        description: m.description.trim(),
        required: requiredFor(name),
        ...(m.default ? { default: m.default } : {}),
        ...(m.example ? { example: m.example } : {}),
      };
    });
    const input: PromptInput = {
      title: title.trim(),
      description: description.trim(),
      template,
      variables,
      category,
      roles,
      tags,
      patterns,
      difficulty,
      visibility,
    };
    setSaving(true);
    try {
      const saved = initial ? await updatePrompt(initial.slug, input) : await createPrompt(input);
      savedRef.current = true;
      router.push(promptHref({ slug: saved.slug, source: 'user' }));
    } catch (err) {
      const error = toApiError(err);
      const serverErrors = mapServerFields(error.fields, names);
      setErrors(serverErrors);
      if (Object.keys(serverErrors).length > 0) focusFirstError(serverErrors);
      if (Object.keys(serverErrors).length === 0 || error.code !== 'invalid_request') setFormError(error);
      setSaving(false);
    }
  };

  const errorCount = Object.keys(errors).length;

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid gap-6"
      aria-label={initial ? 'Edit prompt' : 'New prompt'}
    >
      {formError && <ErrorAlert title="Couldn’t save the prompt" error={formError} />}
      {errorCount > 0 && !formError && (
        <p role="alert" className="flex items-center gap-2 text-sm font-medium text-destructive">
          <AlertTriangle className="size-4" aria-hidden="true" />
          {errorCount === 1 ? 'One field needs your attention.' : `${errorCount} fields need your attention.`}
        </p>
      )}

      <section
        aria-labelledby="details-heading"
        className="grid gap-5 rounded-xl border bg-card p-5 shadow-xs"
      >
        <h2 id="details-heading" className="font-semibold tracking-tight">
          Details
        </h2>
        <FormField id={fieldId('title')} label="Title" error={errors.title}>
          {(a11y) => (
            <Input
              {...a11y}
              value={title}
              maxLength={LIMITS.title[1]}
              onChange={(e) => change(setTitle, 'title')(e.target.value)}
              placeholder="Review a pull request for security issues"
            />
          )}
        </FormField>
        <FormField
          id={fieldId('description')}
          label="Description"
          hint="One or two sentences: what it does and when to use it."
          error={errors.description}
        >
          {(a11y) => (
            <Textarea
              {...a11y}
              value={description}
              maxLength={LIMITS.description[1]}
              rows={2}
              onChange={(e) => change(setDescription, 'description')(e.target.value)}
              className="min-h-16 font-sans text-base md:text-sm"
            />
          )}
        </FormField>
        <div className="grid gap-5 sm:grid-cols-2">
          <FormField id={fieldId('category')} label="Category" error={errors.category}>
            {(a11y) => (
              <NativeSelect
                {...a11y}
                value={category}
                onChange={(e) => change(setCategory, 'category')(e.target.value)}
              >
                <option value="" disabled>
                  Choose a category
                </option>
                {options.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.label}
                  </option>
                ))}
              </NativeSelect>
            )}
          </FormField>
          <FormField id={fieldId('difficulty')} label="Difficulty">
            {(a11y) => (
              <NativeSelect
                {...a11y}
                value={difficulty}
                onChange={(e) => change(setDifficulty)(e.target.value as Difficulty)}
              >
                {DIFFICULTIES.map((d) => (
                  <option key={d} value={d}>
                    {DIFFICULTY_LABEL[d]}
                  </option>
                ))}
              </NativeSelect>
            )}
          </FormField>
        </div>
        <CheckboxGroup
          id={fieldId('roles')}
          legend="Roles"
          hint="Who is this prompt for?"
          options={options.roles}
          selected={roles}
          error={errors.roles}
          onChange={(id, on) => change(setRoles, 'roles')(toggle(roles, id, on))}
        />
        <CheckboxGroup
          id={fieldId('patterns')}
          legend="Patterns"
          hint="Prompt patterns the template uses (optional)."
          options={options.patterns}
          selected={patterns}
          error={errors.patterns}
          onChange={(id, on) => change(setPatterns, 'patterns')(toggle(patterns, id, on))}
        />
        <FormField
          id={fieldId('tags')}
          label="Tags"
          optional
          hint="Comma-separated, e.g. “security, code-review”."
          error={errors.tags}
        >
          {(a11y) => (
            <>
              <Input
                {...a11y}
                value={tagsText}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => change(setTagsText, 'tags')(e.target.value)}
              />
              {tags.length > 0 && (
                <ul className="flex flex-wrap gap-1.5" aria-label="Tags as saved">
                  {tags.map((tag) => (
                    <li key={tag}>
                      <Badge variant="outline" className="font-mono font-normal text-muted-foreground">
                        #{tag}
                      </Badge>
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </FormField>
        <fieldset className="grid gap-2">
          <legend className="mb-2 text-sm font-medium">Visibility</legend>
          <div className="grid gap-3 sm:grid-cols-2">
            {(
              [
                ['private', Lock, 'Private', 'Only you can see and use it.'],
                ['public', Globe, 'Public', 'Anyone can find it in the library.'],
              ] as const
            ).map(([value, Icon, label, help]) => (
              <label
                key={value}
                className={cn(
                  'flex cursor-pointer items-start gap-3 rounded-lg border p-3 transition-colors hover:bg-muted/50 has-[input:focus-visible]:outline-2 has-[input:focus-visible]:outline-offset-2 has-[input:focus-visible]:outline-ring',
                  visibility === value && 'border-primary/60 bg-accent/50',
                )}
              >
                <input
                  type="radio"
                  name="visibility"
                  value={value}
                  checked={visibility === value}
                  onChange={() => change(setVisibility)(value)}
                  className="mt-0.5 size-4 accent-primary"
                />
                <span className="grid gap-0.5">
                  <span className="flex items-center gap-1.5 text-sm font-medium">
                    <Icon className="size-3.5" aria-hidden="true" /> {label}
                  </span>
                  <span className="text-xs text-muted-foreground">{help}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      </section>

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="grid min-w-0 gap-6">
          <section
            aria-labelledby="template-heading"
            className="grid gap-3 rounded-xl border bg-card p-5 shadow-xs"
          >
            <h2 id="template-heading" className="font-semibold tracking-tight">
              Template
            </h2>
            <FormField
              id={fieldId('template')}
              label="Template"
              labelClassName="sr-only"
              hint={
                <>
                  Use <code className="font-mono">{'{{name}}'}</code> for a blank to fill in and{' '}
                  <code className="font-mono">{'{{#name}}…{{/name}}'}</code> for text that only appears when{' '}
                  <code className="font-mono">name</code> is filled in. Names are lowercase_with_underscores.
                </>
              }
              error={errors.template}
            >
              {(a11y) => (
                <Textarea
                  {...a11y}
                  value={template}
                  spellCheck={false}
                  rows={12}
                  placeholder={TEMPLATE_PLACEHOLDER}
                  onChange={(e) => change(setTemplate, 'template')(e.target.value)}
                  className="min-h-64 max-h-[36rem] leading-6"
                />
              )}
            </FormField>
            <div aria-live="polite" className="text-sm">
              {shownSyntaxError && !errors.template ? (
                <p className="flex items-start gap-2 text-destructive" data-testid="template-syntax-error">
                  <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
                  <span>{shownSyntaxError}. Variables below are from the last version that parsed.</span>
                </p>
              ) : (
                <p className="text-muted-foreground" data-testid="variable-count">
                  {names.length === 0
                    ? 'No variables yet.'
                    : `${pluralize(names.length, 'variable')} detected: ${names.join(', ')}`}
                </p>
              )}
            </div>
          </section>

          <section
            aria-labelledby="variables-heading"
            className="grid gap-4 rounded-xl border bg-card p-5 shadow-xs"
          >
            <div className="grid gap-1">
              <h2 id="variables-heading" className="font-semibold tracking-tight">
                Variables
              </h2>
              <p className="text-sm text-muted-foreground">
                One row per variable in the template. Examples fill the preview.
              </p>
            </div>
            {names.length === 0 ? (
              <p className="flex items-center gap-2 rounded-lg border border-dashed px-4 py-5 text-sm text-muted-foreground">
                <Braces className="size-4 shrink-0" aria-hidden="true" />
                <span>
                  Type <code className="font-mono">{'{{something}}'}</code> in the template to add a variable.
                </span>
              </p>
            ) : (
              <ul className="grid gap-4" aria-label="Detected variables">
                {names.map((name) => (
                  <VariableRow
                    key={name}
                    name={name}
                    meta={metaFor(name)}
                    required={requiredFor(name)}
                    section={sections.has(name)}
                    errors={errors}
                    onChange={(patch) => setVar(name, patch)}
                  />
                ))}
              </ul>
            )}
          </section>
        </div>

        <section
          aria-labelledby="preview-heading"
          className="flex min-w-0 flex-col rounded-xl border bg-card shadow-xs lg:sticky lg:top-20 lg:max-h-[calc(100dvh-6rem)]"
        >
          <div className="border-b px-5 py-3.5">
            <h2 id="preview-heading" className="font-semibold tracking-tight">
              Preview
            </h2>
            <p className="text-xs text-muted-foreground">
              Filled with each variable’s example (or default); ‹name› marks a blank.
            </p>
          </div>
          {preview === null ? (
            <p className="m-5 text-sm text-muted-foreground">Fix the template to see the preview.</p>
          ) : (
            <pre
              tabIndex={0}
              data-testid="editor-preview"
              aria-label="Preview of the filled-in prompt"
              className="m-5 min-h-48 flex-1 overflow-auto rounded-lg border bg-code p-4 font-mono text-[13px] leading-6 break-words whitespace-pre-wrap"
            >
              {preview || <span className="text-muted-foreground">Your prompt will appear here.</span>}
            </pre>
          )}
        </section>
      </div>

      <div className="flex flex-wrap items-center justify-end gap-2 border-t pt-5">
        <Button variant="ghost" asChild>
          <Link href={initial ? promptHref({ slug: initial.slug, source: 'user' }) : '/my/prompts'}>
            Cancel
          </Link>
        </Button>
        <Button type="submit" disabled={saving} size="lg">
          {saving ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Save aria-hidden="true" />}
          {initial ? 'Save changes' : 'Create prompt'}
        </Button>
      </div>
    </form>
  );
}

function fieldId(key: string): string {
  return `editor-${key.replace(/\./g, '-')}`;
}

/** Server field paths (`title`, `variables.2.description`) → this form's error keys. */
function mapServerFields(fields: Record<string, string>, names: string[]): Errors {
  const out: Errors = {};
  for (const [path, message] of Object.entries(fields)) {
    const m = /^variables\.(\d+)\.(description|default|example)/.exec(path);
    if (m) {
      const name = names[Number(m[1])];
      if (name) out[`var.${name}.${m[2]}`] = message;
      continue;
    }
    const top = path.split('.')[0] ?? '';
    const key = top === 'variables' ? 'template' : top;
    if (['title', 'description', 'category', 'roles', 'patterns', 'tags', 'template'].includes(key))
      out[key] ??= message;
  }
  return out;
}

function CheckboxGroup({
  id,
  legend,
  hint,
  options,
  selected,
  error,
  onChange,
}: {
  id: string;
  legend: string;
  hint?: string;
  options: EditorOption[];
  selected: string[];
  error?: string;
  onChange: (id: string, on: boolean) => void;
}) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <fieldset
      id={id}
      tabIndex={-1}
      className="grid gap-2 outline-none"
      aria-describedby={describedBy || undefined}
      aria-invalid={error ? true : undefined}
    >
      <legend className="mb-1 text-sm font-medium">
        {legend}
        {selected.length > 0 && (
          <span className="ml-2 text-xs font-normal text-muted-foreground">{selected.length} selected</span>
        )}
      </legend>
      {hint && (
        <p id={`${id}-hint`} className="-mt-1 text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      <div className="grid grid-cols-1 gap-x-4 gap-y-1 min-[420px]:grid-cols-2 md:grid-cols-3">
        {options.map((o) => (
          <label
            key={o.id}
            className="flex cursor-pointer items-center gap-2 rounded-md px-1 py-1 text-sm hover:bg-muted/50"
          >
            <input
              type="checkbox"
              value={o.id}
              checked={selected.includes(o.id)}
              onChange={(e) => onChange(o.id, e.target.checked)}
              className="size-4 shrink-0 accent-primary"
            />
            <span className="min-w-0">{o.label}</span>
          </label>
        ))}
      </div>
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-destructive">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function VariableRow({
  name,
  meta,
  required,
  section,
  errors,
  onChange,
}: {
  name: string;
  meta: VariableMeta;
  required: boolean;
  section: boolean;
  errors: Errors;
  onChange: (patch: Partial<VariableMeta>) => void;
}) {
  const key = (f: string) => `var.${name}.${f}`;
  const of = <span className="sr-only"> of {name}</span>;
  return (
    <li className="grid gap-4 rounded-lg border bg-background/50 p-4" data-testid={`variable-row-${name}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="flex flex-wrap items-center gap-2">
          <code className="rounded bg-accent px-1.5 py-0.5 font-mono text-sm text-accent-foreground">{`{{${name}}}`}</code>
          {section && <span className="text-xs text-muted-foreground">controls an optional section</span>}
        </p>
        <label className="flex cursor-pointer items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={required}
            onChange={(e) => onChange({ required: e.target.checked })}
            className="size-4 accent-primary"
          />
          Required{of}
        </label>
      </div>
      <FormField
        id={fieldId(key('description'))}
        label={<>Description{of}</>}
        error={errors[key('description')]}
      >
        {(a11y) => (
          <Input
            {...a11y}
            value={meta.description}
            maxLength={LIMITS.varDescription[1]}
            placeholder="What should go here?"
            onChange={(e) => onChange({ description: e.target.value })}
          />
        )}
      </FormField>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          id={fieldId(key('default'))}
          label={<>Default{of}</>}
          optional
          error={errors[key('default')]}
        >
          {(a11y) => (
            <Input
              {...a11y}
              value={meta.default}
              maxLength={LIMITS.varDefault}
              onChange={(e) => onChange({ default: e.target.value })}
            />
          )}
        </FormField>
        <FormField
          id={fieldId(key('example'))}
          label={<>Example{of}</>}
          optional
          error={errors[key('example')]}
        >
          {(a11y) => (
            <Input
              {...a11y}
              value={meta.example}
              maxLength={LIMITS.varExample}
              onChange={(e) => onChange({ example: e.target.value })}
            />
          )}
        </FormField>
      </div>
    </li>
  );
}
