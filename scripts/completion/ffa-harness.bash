# Bash completion for ffa-harness.  Commands and options are read from the
# --help texts of the installed binary, so that this file never lists an
# option the binary does not have.
_ffa_harness() {
	local cur prev cmd opts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		opts=$(ffa-harness --help 2>/dev/null |
			sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}')
		COMPREPLY=($(compgen -W "$opts --help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $prev in
	--format) COMPREPLY=($(compgen -W "auto elf raw" -- "$cur")); return ;;
	--cache-model) COMPREPLY=($(compgen -W "cortex-a57 cortex-a53 strict off" -- "$cur")); return ;;
	--backend) COMPREPLY=($(compgen -W "unicorn qemu" -- "$cur")); return ;;
	--platform | --filter | --shard | -j | --max-insns | --load-addr | \
	--shared-buffer | --timeout | --type | --expect | --ffa-version | \
	--gdb | --break-at-step)
		return ;;
	--report-dir | --firmware-dir)
		COMPREPLY=($(compgen -d -- "$cur")); return ;;
	esac
	if [ "${cur#-}" != "$cur" ]; then
		opts=$(ffa-harness "$cmd" --help 2>/dev/null |
			grep -oE -- '(^|[ ,/])--?[a-zA-Z][a-zA-Z0-9-]*' |
			sed 's/^[ ,\/]//' | sort -u)
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _ffa_harness ffa-harness
