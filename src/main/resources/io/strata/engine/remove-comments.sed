# Strata's SCRIPT_DIR/remove-comments.sed, for stages that read package lists themselves as
# pi-gen's do: drops comments (from # to the end of the line) and the lines left blank.
s/#.*$//
/^[[:space:]]*$/d
