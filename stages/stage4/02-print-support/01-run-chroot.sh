adduser "${FIRST_USER_NAME}" lpadmin
