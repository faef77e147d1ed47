(article) @fold
