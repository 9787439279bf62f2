"""Who may do what: accounts and password-free station links."""
