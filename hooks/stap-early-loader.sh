# dracut cmdline/01 hook (sourced: never exit): start the onboot SystemTap scripts, unless the
# loader already did as PID 1 (earliest mode); the loader logs every outcome itself.
/usr/sbin/stap-early-loader --hook || :
