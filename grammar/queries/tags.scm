(article
  headline: (headline
    text: (headline_text) @name)) @definition.section
