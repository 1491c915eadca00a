import mermaid from 'mermaid';

/** The Mermaid library as its own bundle (dist/mermaid.js), loaded only when a preview is asked for. */
(window as unknown as { convlensMermaid: typeof mermaid }).convlensMermaid = mermaid;
