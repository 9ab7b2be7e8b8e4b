/** One parsed content file. `data` is untyped until the catalog validates it. */
export interface ContentFile {
  file: string;
  data: unknown;
}

export interface RawContent {
  taxonomy: ContentFile;
  patterns: ContentFile[];
  prompts: ContentFile[];
  /** Markdown guides for the shared knowledge base; `data` is the file's text. */
  guides: ContentFile[];
}

/** Where the built-in library comes from (files in `content/` locally, a bundle in Lambda). */
export interface ContentSource {
  read(): Promise<RawContent>;
}
