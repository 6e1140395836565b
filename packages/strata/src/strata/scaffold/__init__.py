"""`strata new-app`: a complete app like the ones in `apps/`, from one command.

The templates in `template/` are the app's files with `{{token}}`s; a file
ending `.vector.tmpl` is written only with `--vector`, one ending `.plain.tmpl`
only without it. The initial revision is written from the example model, so
`strata check` proves the two agree.
"""
