import { ModelError, type SourceRange } from '../../ir/types';

/** A problem found in a JSON model at an exact range of its text (for the Problems panel). */
export interface JsonProblem {
  severity: 'error' | 'warning';
  message: string;
  range: SourceRange;
  /** Node id the problem belongs to, when it belongs to one. */
  node?: string;
}

/** A ModelError that knows where in the JSON text it was found. */
export class JsonModelError extends ModelError {
  constructor(message: string, readonly range: SourceRange, where?: string) {
    super(message, where);
  }
}
