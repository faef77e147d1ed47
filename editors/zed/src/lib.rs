//! Zed extension for bulletin markup: starts `bulletin lsp` from the PATH (or
//! `lsp.bulletin.binary.path` in Zed's settings) and passes
//! `lsp.bulletin.initialization_options` / `settings` through.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct Bulletin;

impl zed::Extension for Bulletin {
    fn new() -> Self {
        Bulletin
    }

    fn language_server_command(
        &mut self,
        language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(language_server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let command = binary
            .as_ref()
            .and_then(|binary| binary.path.clone())
            .or_else(|| worktree.which("bulletin"))
            .ok_or_else(|| {
                "bulletin is not on PATH: install it with `cargo install --path .` from a clone \
                 of the bulletin repository, or set lsp.bulletin.binary.path"
                    .to_string()
            })?;
        let args = binary
            .and_then(|binary| binary.arguments)
            .unwrap_or_else(|| vec!["lsp".to_string()]);
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(language_server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        // Answered for section "bulletin": `{ "bulletin": { "rules": {...} } }` in settings.
        Ok(LspSettings::for_worktree(language_server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.settings))
    }
}

zed::register_extension!(Bulletin);
