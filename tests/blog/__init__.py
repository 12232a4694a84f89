"""A site's own blog app with its own comment model, as a site that installs Hamlet has one."""
