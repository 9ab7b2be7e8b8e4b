import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** The parts of an OpenAPI 3.1 document the reference page reads. */
interface SchemaObject {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  enum?: unknown[];
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  additionalProperties?: SchemaObject | boolean;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  const?: unknown;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: SchemaObject;
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: SchemaObject }> }>;
}
interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function typeName(schema: SchemaObject | undefined, doc: OpenApiDocument): string {
  if (!schema) return 'any';
  if (schema.$ref) return schema.$ref.split('/').pop() ?? 'object';
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map((v) => typeName(v, doc)).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  if (type === 'array') return `${typeName(schema.items, doc)}[]`;
  if (type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    return `Record<string, ${typeName(schema.additionalProperties, doc)}>`;
  }
  return type ?? 'object';
}

function constraints(schema: SchemaObject | undefined): string {
  if (!schema) return '';
  const parts: string[] = [];
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined) parts.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) parts.push(`max length ${schema.maxLength}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}

function resolve(schema: SchemaObject | undefined, doc: OpenApiDocument): SchemaObject | undefined {
  if (schema?.$ref) return doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''];
  return schema;
}

function fieldsTable(schema: SchemaObject | undefined, doc: OpenApiDocument) {
  const resolved = resolve(schema, doc);
  if (!resolved?.properties) return html`<p class="type"><code>${typeName(schema, doc)}</code></p>`;
  const required = new Set(resolved.required ?? []);
  return html`<table>
    <thead>
      <tr>
        <th>Field</th>
        <th>Type</th>
        <th>Notes</th>
      </tr>
    </thead>
    <tbody>
      ${Object.entries(resolved.properties).map(
        ([name, prop]) =>
          html`<tr>
            <td><code>${name}</code>${required.has(name) ? html` <span class="req">required</span>` : ''}</td>
            <td><code>${typeName(prop, doc)}</code></td>
            <td>${prop.description ?? ''} ${constraints(prop)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function operationBlock(method: string, path: string, op: Operation, doc: OpenApiDocument) {
  const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
  const body = op.requestBody?.content?.['application/json']?.schema;
  return html`<section class="op" id="${id}">
    <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${path}</code></h3>
    ${op.summary ? html`<p class="summary">${op.summary}</p>` : ''}
    ${op.description ? html`<p>${op.description}</p>` : ''}
    ${
      op.parameters?.length
        ? html`<h4>Parameters</h4>
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>In</th>
                  <th>Type</th>
                  <th>Notes</th>
                </tr>
              </thead>
              <tbody>
                ${op.parameters.map(
                  (p) =>
                    html`<tr>
                      <td>
                        <code>${p.name}</code>${p.required ? html` <span class="req">required</span>` : ''}
                      </td>
                      <td>${p.in}</td>
                      <td><code>${typeName(p.schema, doc)}</code></td>
                      <td>${p.description ?? p.schema?.description ?? ''} ${constraints(p.schema)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : ''
    }
    ${
      body
        ? html`<h4>Request body <code>application/json</code></h4>
            ${fieldsTable(body, doc)}`
        : ''
    }
    <h4>Responses</h4>
    <ul class="responses">
      ${Object.entries(op.responses ?? {}).map(([status, response]) => {
        const schema = response.content?.['application/json']?.schema;
        return html`<li>
          <span class="status s${status[0]}">${status}</span> ${response.description ?? ''}
          ${schema ? html` — <code>${typeName(schema, doc)}</code>` : ''}
        </li>`;
      })}
    </ul>
  </section>`;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--card:#f8fafc;--accent:#4f46e5}
@media (prefers-color-scheme:dark){:root{--bg:#0b1020;--fg:#e2e8f0;--muted:#94a3b8;--line:#1e293b;--card:#111827;--accent:#818cf8}}
*{box-sizing:border-box}body{margin:0;font:15px/1.55 system-ui,sans-serif;background:var(--bg);color:var(--fg)}
a{color:var(--accent)}code{font:13px ui-monospace,monospace}
.layout{display:grid;grid-template-columns:280px 1fr;min-height:100vh}
nav{border-right:1px solid var(--line);padding:24px;position:sticky;top:0;height:100vh;overflow:auto}
nav h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:20px 0 6px}
nav a{display:block;text-decoration:none;color:var(--fg);padding:3px 0;font-size:13px}
main{padding:32px 48px;max-width:980px}
.op{border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:18px 0;background:var(--card)}
.op h3{margin:0 0 6px;font-size:16px}.summary{margin:0 0 8px;font-weight:600}
.method{display:inline-block;min-width:58px;text-align:center;border-radius:6px;padding:2px 8px;font:600 12px ui-monospace,monospace;color:#fff}
.get{background:#0284c7}.post{background:#16a34a}.put,.patch{background:#d97706}.delete{background:#dc2626}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}.req{color:#dc2626;font-size:11px}
h4{margin:14px 0 4px;font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.responses{list-style:none;padding:0;margin:0}.status{font:600 12px ui-monospace,monospace;padding:1px 6px;border-radius:4px;background:var(--line)}
.s2{color:#16a34a}.s4{color:#d97706}.s5{color:#dc2626}
@media (max-width:800px){.layout{grid-template-columns:1fr}nav{position:static;height:auto;border-right:0;border-bottom:1px solid var(--line)}main{padding:20px}}
`;

/** Renders the OpenAPI document as a self-contained HTML page (no external scripts or fonts). */
export function renderApiReference(document: unknown): HtmlEscapedString | Promise<HtmlEscapedString> {
  const doc = document as OpenApiDocument;
  const operations: { tag: string; method: string; path: string; op: Operation }[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) operations.push({ tag: op.tags?.[0] ?? 'Other', method, path, op });
    }
  }
  const tags = [...new Set(operations.map((o) => o.tag))];
  const base = doc.servers?.[0]?.url ?? '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${doc.info.title} reference</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <div class="layout">
          <nav aria-label="Operations">
            <a href="/"><strong>Engify</strong></a>
            ${tags.map(
              (tag) =>
                html`<h2>${tag}</h2>
                  ${operations
                    .filter((o) => o.tag === tag)
                    .map(
                      (o) =>
                        html`<a href="#${`${o.method}-${o.path}`.replace(/[^a-z0-9]+/gi, '-')}"
                          ><code>${o.method.toUpperCase()}</code> ${o.path}</a
                        >`,
                    )}`,
            )}
          </nav>
          <main>
            <h1>${doc.info.title} <small>v${doc.info.version}</small></h1>
            <p>${doc.info.description ?? ''}</p>
            <p>
              Base URL <code>${base}</code> · machine-readable:
              <a href="${base}/openapi.json">openapi.json</a>
            </p>
            ${tags.map(
              (tag) =>
                html`<h2>${tag}</h2>
                  ${operations.filter((o) => o.tag === tag).map((o) => operationBlock(o.method, o.path, o.op, doc))}`,
            )}
          </main>
        </div>
      </body>
    </html>`;
}
