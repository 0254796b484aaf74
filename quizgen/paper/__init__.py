"""The printed quiz: `document` builds one plain-data description of the pages, and the
writers render it as a PDF (Typst), HTML (Jinja2) or Markdown, with their templates/."""
