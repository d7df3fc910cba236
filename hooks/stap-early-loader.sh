# dracut cmdline/01 hook (sourced: never exit): start the onboot SystemTap scripts; the loader logs every outcome itself.
/usr/sbin/stap-early-loader || :
