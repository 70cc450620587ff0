# bash completion for tearsheet(1): commands, each command's options,
# site folders for SITE/DIR, photo files for meta and verify.
#
# The commands and options are read from `tearsheet help` and `tearsheet
# COMMAND --help` (src/cli/help.c's table), so this file never lists an
# option of its own and never falls behind the binary. It needs nothing
# from the bash-completion package. tests/cli/completion.sh tests it.

# Photos tearsheet reads (meta) or checks (verify), and C2PA sidecars,
# matched against the lower-cased name (KIM-01.JPG too).
_tearsheet_photo_re='\.(jpe?g|tiff?|png|webp|hei[cf]|avif|mp4|m4v|mov|c2pa)$'

# Words of `tearsheet ARGS...`: its option lines ("  -o, --output DIR")
# or command lines ("  build      ..."), as chosen by the sed script.
_tearsheet_words()
{
    local script=$1
    shift
    "${COMP_WORDS[0]}" "$@" 2>/dev/null | sed -n "$script"
}

# COMPREPLY += folders (and, with a regex, the files matching it) under
# what is typed; names with spaces survive (compopt -o filenames).
_tearsheet_paths()
{
    local cur=$1 re=${2:-} f
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -d -- "$cur"))
    [ -n "$re" ] || return 0
    for f in $(compgen -f -- "$cur"); do
        [ ! -d "$f" ] && [[ ${f,,} =~ $re ]] && COMPREPLY+=("$f")
    done
}

_tearsheet()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmd="" i n_operands=0
    COMPREPLY=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [ -z "$cmd" ]; then
        local commands
        commands=$(_tearsheet_words 's/^  \([a-z][a-z]*\)  .*/\1/p' help)
        COMPREPLY=($(compgen -W "$commands help --help --version" -- "$cur"))
        return 0
    fi
    if [ "$cmd" = help ]; then
        [ "$COMP_CWORD" -eq $((i + 1)) ] &&
            COMPREPLY=($(compgen -W "$(_tearsheet_words 's/^  \([a-z][a-z]*\)  .*/\1/p' help)" -- "$cur"))
        return 0
    fi

    # the value of an option that takes one
    case $prev in
        -o | --output | --site) _tearsheet_paths "$cur"; return 0 ;;
        --trust) _tearsheet_paths "$cur" '\.(pem|crt|cer)$'; return 0 ;;
        --listen | --jobs | --iim-charset) return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        local options
        options=$(_tearsheet_words 's/^  \(-[-a-z]*\)\(, \(--[-a-z]*\)\)\{0,1\} .*/\1 \3/p' "$cmd" --help)
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return 0
    fi
    for ((i = i + 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -o | --output | --site | --trust | --listen | --jobs | --iim-charset) ((i++)) ;;
            -*) ;;
            *) ((n_operands++)) ;;
        esac
    done
    case $cmd in
        build | serve | lint | new | keygen)
            [ "$n_operands" -eq 0 ] && _tearsheet_paths "$cur" ;;
        meta | verify)
            _tearsheet_paths "$cur" "$_tearsheet_photo_re" ;;
        inquiries)
            case $n_operands in
                0) COMPREPLY=($(compgen -W "list show export mark" -- "$cur")) ;;
                2) [ "$prev" != export ] && [ "${COMP_WORDS[COMP_CWORD-2]}" = mark ] &&
                    COMPREPLY=($(compgen -W "new quoted licensed declined" -- "$cur")) ;;
            esac ;;
    esac
    return 0
}
complete -F _tearsheet tearsheet
